// pnpm smoke:repeat [N] [-- smoke flags] (root; or pnpm --filter @cleanapp/smoke-kit repeat): runs
// `pnpm smoke` — the entry point a developer types, built packages and all — N times (default 20) against
// one embedded reference stack (or --target), and reports how many runs and checks failed.
// Flakiness is measured here, by repetition — never inside a unit test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '@cleanapp/reference-stack';

const args = process.argv.slice(2).filter((a) => a !== '--');
const n = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 20;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const hasTarget = args.includes('--target');
const stack = hasTarget ? undefined : await startStack();
const targetArgs = stack ? ['--target', stack.targetFile] : [];

// Interrupted (Ctrl-C, or a SIGTERM to this pid): stop the run in progress (its own process group: pnpm
// does not pass signals on to its script) and the stack, so no schema, queue or process is left behind.
let current: ChildProcess | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`repeat: ${signal}: stopping the run in progress and the stack`);
    if (current?.pid && current.exitCode === null) process.kill(-current.pid, 'SIGTERM');
  });

const runs: { code: number; seconds: number; line: string }[] = [];
try {
  for (let i = 1; i <= n && !interrupted; i++) {
    const reportDir = mkdtempSync(join(tmpdir(), `smoke-repeat-${i}-`));
    const started = performance.now();
    // Asynchronously: the embedded stack lives in this process and must keep answering meanwhile.
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('pnpm', ['--silent', 'smoke', ...targetArgs, ...args, '--report-dir', reportDir], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      current = child;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', (error) => resolve({ status: -1, stdout, stderr: `${stderr}${error.message}` }));
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
    if (interrupted) break;
    const seconds = (performance.now() - started) / 1000;
    const line = (r.stdout.match(/smoke: \d+ passed.*$/m) ?? [r.stderr.trim().split('\n').at(-1) ?? ''])[0]!;
    runs.push({ code: r.status, seconds, line });
    console.log(`run ${String(i).padStart(2)}/${n}: exit ${r.status} in ${seconds.toFixed(1)} s — ${line}${r.status === 0 ? '' : `\n${r.stdout.split('\n').filter((l) => l.includes('✗')).join('\n')}`}`);
  }
} finally {
  await stack?.stop();
}
if (interrupted) process.exit(130);
const failed = runs.filter((r) => r.code !== 0).length;
const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
console.log(`\nrepeat: ${n - failed} of ${n} runs passed, ${failed} failed; wall time per run min ${times[0]!.toFixed(1)} s, median ${((times[Math.floor((times.length - 1) / 2)]! + times[Math.floor(times.length / 2)]!) / 2).toFixed(1)} s, max ${times.at(-1)!.toFixed(1)} s`);
process.exit(failed === 0 ? 0 : 1);
