// The embedded reference stack as a user gets it: `npx cleanapp-stack` in an app that installed the
// @cleanapp/reference-stack tarball (createConsumerApp), started in its own process group so a test can
// prove that nothing of it outlives a SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { processGroupMembers } from '@cleanapp/reference-stack/testing';
import { cleanEnv } from './consumer.js';
import { publishedPackages, repoRoot, type PublishedPackage } from './packages.js';

/**
 * `name` and the published packages it needs at run time (dependencies, optional and peer dependencies
 * among publishedPackages, transitively): what must be packed to install it from tarballs alone.
 */
export function publishedClosure(name: string, packages: PublishedPackage[] = publishedPackages): PublishedPackage[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const needed = new Set<string>();
  const visit = (pkgName: string) => {
    const pkg = byName.get(pkgName);
    if (!pkg) throw new Error(`${pkgName} is not in publishedPackages`);
    if (needed.has(pkgName)) return;
    needed.add(pkgName);
    const manifest = JSON.parse(readFileSync(join(repoRoot, pkg.dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => (meta as unknown as { optional?: boolean }).optional);
    const deps = [manifest.dependencies, manifest.optionalDependencies, manifest.peerDependencies].flatMap((d) => Object.keys(d ?? {}));
    for (const dep of deps) if (byName.has(dep) && !optionalPeers.some(([peer]) => peer === dep)) visit(dep);
  };
  visit(name);
  return packages.filter((p) => needed.has(p.name));
}

export interface InstalledStack {
  /** The target file the stack printed on stdout. */
  targetFile: string;
  /** Its content (a smoke target: rest.baseUrl, auth, amqp, graphql, …). */
  target: { rest: { baseUrl: string }; namespace: string } & Record<string, unknown>;
  /** The `npx` process: the stack's launcher and its process group's leader. */
  pid: number;
  /** stderr so far (the stack's log). */
  log(): string;
  /**
   * Sends `signal` to the npx process only (as a supervisor would to what it started) and waits until no
   * process of the group is left; rejects after `timeoutMs` naming the processes still there.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** SIGKILL to the whole group: the last resort of a test's cleanup. */
  kill(): void;
}

/**
 * `npx --no cleanapp-stack` in `appDir` (where the package is installed: `--no` never fetches from the
 * registry). Resolves once the target file's path is printed, rejects with the log if the stack exits first.
 */
export async function startInstalledStack(appDir: string, { env = {}, args = [], timeoutMs = 120_000 }: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {}): Promise<InstalledStack> {
  const child: ChildProcess = spawn('npx', ['--no', 'cleanapp-stack', ...args], { cwd: appDir, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const kill = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const targetFile = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`cleanapp-stack printed no target file within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    const exited = (code: number | null, signal: NodeJS.Signals | null) => fail(new Error(`cleanapp-stack exited (${signal ?? code}) before printing its target file:\n${stdout}${stderr}`));
    // Settled once: a later exit (the stop) must not SIGKILL the group.
    const settle = () => {
      clearTimeout(timer);
      child.off('exit', exited);
    };
    const fail = (error: Error) => {
      settle();
      kill();
      reject(error);
    };
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.trim().endsWith('.json'));
      if (line) {
        settle();
        resolve(line.trim());
      }
    });
    child.once('exit', exited);
  });
  const target = JSON.parse(readFileSync(isAbsolute(targetFile) ? targetFile : join(appDir, targetFile), 'utf8')) as InstalledStack['target'];
  return {
    targetFile,
    target,
    pid,
    log: () => stderr,
    kill,
    async stop(signal = 'SIGTERM', stopTimeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const deadline = Date.now() + stopTimeoutMs;
      for (;;) {
        const left = processGroupMembers(pid);
        if (left.length === 0) return;
        if (Date.now() > deadline) {
          const commands = left.map((p) => `${p}: ${readFileSafe(`/proc/${p}/cmdline`).replace(/\0/g, ' ')}`);
          kill();
          throw new Error(`processes left ${stopTimeoutMs} ms after ${signal}:\n${commands.join('\n')}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
