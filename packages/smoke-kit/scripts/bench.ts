// pnpm bench (root; or pnpm --filter @cleanapp/smoke-kit bench [N]): runs `pnpm smoke` — every suite
// against the embedded reference stack, exactly as a developer types it — N times (default 3) as child
// processes and prints each wall time, the median, the checks and the phase split of the median run,
// and PASS/FAIL against the 10 s bar (issue #16). The time verdict is printed, not an exit code (a loaded
// machine is slow, not broken); a run with a failed check exits 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { interruptSmoke, runSmoke, type SmokeRun } from './run-smoke.js';

const BAR_SECONDS = 10;
const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);

interface Run {
  code: number;
  wall: number;
  /** `smoke: N passed, …` */
  summary: string;
  checks: number;
  failed: number;
  /** The CLI's own timeline line (seconds since its process started), when it printed one. */
  timeline: string | undefined;
}

async function smokeOnce(i: number): Promise<Run> {
  const reportDir = mkdtempSync(join(tmpdir(), `smoke-bench-${i}-`));
  // Ctrl-C reaches the bench, not the run in its own process group: pass it on.
  const onSignal = () => interruptSmoke('SIGINT');
  process.once('SIGINT', onSignal);
  let run: SmokeRun;
  try {
    run = await runSmoke(['--report-dir', reportDir]);
  } finally {
    process.off('SIGINT', onSignal);
    rmSync(reportDir, { recursive: true, force: true });
  }
  const { code } = run;
  const out = run.output;
  const summary = /^smoke: (\d+) passed, (\d+) failed, (\d+) skipped.*$/m.exec(out);
  const timeline = /^smoke: timeline: (.*)$/m.exec(out)?.[1];
  if (code !== 0) process.stdout.write(out.split('\n').filter((l) => /✗|error|Error/.test(l)).slice(0, 20).join('\n') + '\n');
  return {
    code,
    wall: run.seconds,
    summary: summary?.[0] ?? `no summary line (exit ${code}): ${out.trim().split('\n').at(-1) ?? ''}`,
    checks: summary ? Number(summary[1]) + Number(summary[2]) + Number(summary[3]) : 0,
    failed: summary ? Number(summary[2]) : 0,
    timeline,
  };
}

console.log(`smoke bench: \`pnpm smoke\` (every suite, embedded stack) ${n} times; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const runs: Run[] = [];
for (let i = 1; i <= n; i++) {
  const run = await smokeOnce(i);
  runs.push(run);
  console.log(`  run ${i}/${n}: ${run.wall.toFixed(2)} s wall, exit ${run.code} — ${run.summary}`);
}
const byWall = [...runs].sort((a, b) => a.wall - b.wall);
const median = byWall[Math.floor((byWall.length - 1) / 2)]!;
const green = runs.every((r) => r.code === 0 && r.failed === 0 && r.checks > 0);
console.log(`smoke bench: median ${median.wall.toFixed(2)} s wall (runs ${runs.map((r) => r.wall.toFixed(2)).join(', ')}), ${median.checks} checks`);
if (median.timeline) console.log(`smoke bench: median run's phases (s since the CLI started): ${median.timeline}`);
console.log(`smoke bench: load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const pass = green && median.wall <= BAR_SECONDS;
console.log(`smoke bench: ${pass ? 'PASS' : 'FAIL'} — median ${median.wall.toFixed(2)} s ${median.wall <= BAR_SECONDS ? '≤' : '>'} ${BAR_SECONDS} s${green ? '' : '; a run had a failed check or did not finish'}`);
process.exit(green ? 0 : 1);
