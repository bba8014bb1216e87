// `pnpm smoke` as a child process, for the bench and the repeat: from the repo root, as a developer types
// it, in a process group of its own (pnpm does not pass signals on to its script), so an interrupted bench
// or repeat can take the run, and the stack and browser it started, down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface SmokeRun {
  /** The exit code; -1 when pnpm could not be started or the run was killed by a signal. */
  code: number;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  seconds: number;
}

let current: ChildProcess | undefined;

/** Runs `pnpm smoke <args>` and captures what it prints. */
export function runSmoke(args: string[]): Promise<SmokeRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['smoke', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
    current = child;
    let output = '';
    const collect = (d: Buffer) => (output += d.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const done = (code: number, problem = '') => {
      if (current === child) current = undefined;
      resolve({ code, output: output + problem, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (error) => done(-1, error.message));
    child.on('close', (code) => done(code ?? -1));
  });
}

/** Stops the run in progress, if there is one: `signal` to its whole process group. */
export function interruptSmoke(signal: NodeJS.Signals = 'SIGINT'): void {
  if (current?.pid === undefined) return;
  try {
    process.kill(-current.pid, signal);
  } catch {
    // already gone
  }
}
