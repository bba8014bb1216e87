// pnpm smoke:repeat [N] [-- smoke flags] (root; or pnpm --filter @cleanapp/smoke-kit repeat): runs
// `pnpm smoke` — the entry point a developer types, built packages and all — N times (default 20) against
// one embedded reference stack (or --target), and reports how many runs and checks failed.
// Flakiness is measured here, by repetition — never inside a unit test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '@cleanapp/reference-stack';
import { interruptSmoke, runSmoke } from './run-smoke.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const n = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 20;
const hasTarget = args.includes('--target');
const stack = hasTarget ? undefined : await startStack();
const targetArgs = stack ? ['--target', stack.targetFile] : [];

// Interrupted (Ctrl-C, or a SIGTERM to this pid): stop the run in progress and then the stack, so no
// schema, queue or process is left behind.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`repeat: ${signal}: stopping the run in progress and the stack`);
    interruptSmoke('SIGTERM');
  });

const runs: { code: number; seconds: number; line: string }[] = [];
try {
  for (let i = 1; i <= n && !interrupted; i++) {
    const reportDir = mkdtempSync(join(tmpdir(), `smoke-repeat-${i}-`));
    // Asynchronously: the embedded stack lives in this process and must keep answering meanwhile.
    const r = await runSmoke([...targetArgs, ...args, '--report-dir', reportDir]);
    if (interrupted) break;
    const { code, seconds } = r;
    const line = (r.output.match(/smoke: \d+ passed.*$/m) ?? [r.output.trim().split('\n').at(-1) ?? ''])[0]!;
    runs.push({ code, seconds, line });
    console.log(`run ${String(i).padStart(2)}/${n}: exit ${code} in ${seconds.toFixed(1)} s — ${line}${code === 0 ? '' : `\n${r.output.split('\n').filter((l) => l.includes('✗')).join('\n')}`}`);
  }
} finally {
  await stack?.stop();
}
if (interrupted) process.exit(130);
const failed = runs.filter((r) => r.code !== 0).length;
const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
console.log(`\nrepeat: ${n - failed} of ${n} runs passed, ${failed} failed; wall time per run min ${times[0]!.toFixed(1)} s, median ${((times[Math.floor((times.length - 1) / 2)]! + times[Math.floor(times.length / 2)]!) / 2).toFixed(1)} s, max ${times.at(-1)!.toFixed(1)} s`);
process.exit(failed === 0 ? 0 : 1);
