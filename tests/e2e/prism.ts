import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@cleanapp/reference-stack/testing';

/** The bundled contract Prism serves or validates against. */
export const bundledContract = fileURLToPath(new URL('../../contracts/generated/openapi.json', import.meta.url));
const prismBin = fileURLToPath(new URL('../node_modules/.bin/prism', import.meta.url));

export interface Prism {
  origin: string;
  /** Everything Prism logged so far (stdout and stderr, no colours). */
  log(): string;
  /** Ends Prism's whole process group (it forks helpers): SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(kill);
      resolve();
    }
  });
}

/**
 * Starts `prism mock <contract>` or `prism proxy <contract> <upstream>` in its own process group on a free
 * port and resolves once it listens. CORS handling stays with the target (`--cors=false`): Prism's own
 * permissive CORS would hide what the target does.
 */
export async function startPrism(mode: 'mock' | 'proxy', upstream?: string): Promise<Prism> {
  const port = await freePort();
  const args = [mode, bundledContract, ...(upstream ? [upstream] : []), '--port', String(port), '--host', '127.0.0.1', '--cors=false', '--errors=false'];
  const child = spawn(prismBin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  let output = '';
  // eslint-disable-next-line no-control-regex
  const collect = (d: Buffer) => (output += d.toString().replace(/\u001b\[[0-9;]*m/g, ''));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const prism: Prism = { origin: `http://127.0.0.1:${port}`, log: () => output, stop: () => stopGroup(child) };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`prism ${mode} did not listen within 30 s:\n${output}`)), 30_000);
      const check = () => {
        if (/Prism is listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`prism ${mode} exited with ${code}:\n${output}`));
      });
    });
  } catch (err) {
    await prism.stop();
    throw err;
  }
  return prism;
}

/** Prism's violation log lines (`[VALIDATOR] ✖ error Violation: response …`), split by side. */
export function violations(log: string): { request: string[]; response: string[] } {
  const lines = log.split('\n').filter((l) => /Violation: /.test(l));
  return { request: lines.filter((l) => /Violation: request/.test(l)), response: lines.filter((l) => /Violation: response/.test(l)) };
}
