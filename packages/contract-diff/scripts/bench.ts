// Benchmark (not a test): the contract-diff CLI against api-smart-diff on the Twilio api_v2010 history
// (~1.9 MB OpenAPI JSON each, from the research corpus test/corpus-root.ts locates), both measured the
// same way: a fresh process per run (`node bin/contract-diff.mjs A B --format json --fail-on none` and
// scripts/api-smart-diff.mjs A B), wall time from spawn to exit, runs alternating so that a machine that
// gets busier slows both alike. Bars for the year pair ef3ca5d → d50069b (issue #16): CLI median ≤ 0.4 s
// and ≥ 5× faster than api-smart-diff in the same run.
// Usage: pnpm --filter @cleanapp/contract-diff bench   (BENCH_RUNS=n for more runs; default 5)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { corpusRoot } from '../test/corpus-root.js';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const YEAR = ['ef3ca5d', 'd50069b'] as const;
const WALL_BAR_S = 0.4;
const RATIO_BAR = 5;

const pkgDir = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/contract-diff.mjs', import.meta.url));
const reference = fileURLToPath(new URL('api-smart-diff.mjs', import.meta.url));
const dir = fileURLToPath(new URL('twilio/', corpusRoot()));

interface Run {
  seconds: number;
  out: string;
}

function time(args: string[]): Run {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  // contract-diff runs with --fail-on none (it fails on breaking changes by default): anything but 0 is a broken run.
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, out: r.stdout };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (s: number): string => `${s.toFixed(3)} s`;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The snapshots oldest first: SOURCES.md dates them (file names carry commit hashes, not order). */
function snapshots(): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const sources = existsSync(`${dir}SOURCES.md`) ? readFileSync(`${dir}SOURCES.md`, 'utf8') : '';
  const date = new Map([...sources.matchAll(/^\|\s*(\S+\.json)\s*\|[^|]*\|\s*(\d{4}-\d{2}-\d{2})/gm)].map((m) => [m[1]!, m[2]!]));
  return files.sort((a, b) => (date.get(a) ?? a).localeCompare(date.get(b) ?? b));
}

/** The bin runs the sources through tsx when dist/ is stale (and says so): build first, or the numbers measure tsx. */
function ensureBuilt(): void {
  const probe = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  if (probe.stderr === '') return;
  console.log(`dist/ is missing or stale (${probe.stderr.trim()}): building`);
  const build = spawnSync('pnpm', ['run', 'build'], { cwd: pkgDir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('pnpm run build failed');
}

function comparePair(a: string, b: string): { ours: number; theirs: number } {
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let k = 0; k < RUNS; k++) {
    ours.push(time([bin, dir + a, dir + b, '--format', 'json', '--fail-on', 'none']));
    theirs.push(time([reference, dir + a, dir + b]));
  }
  const o = median(ours.map((r) => r.seconds));
  const t = median(theirs.map((r) => r.seconds));
  const summary = JSON.stringify((JSON.parse(ours[0]!.out) as { summary: unknown }).summary);
  console.log(`${a.replace(/\.json$/, '')} → ${b.replace(/\.json$/, '')}`);
  console.log(`  contract-diff CLI  median ${sec(o)} (first ${sec(ours[0]!.seconds)}, ${RUNS} runs)  ${summary}`);
  console.log(`  api-smart-diff     median ${sec(t)} (first ${sec(theirs[0]!.seconds)}, ${RUNS} runs)  ${theirs[0]!.out.trim()}`);
  console.log(`  ratio ${(t / o).toFixed(1)}× (api-smart-diff ÷ contract-diff)`);
  return { ours: o, theirs: t };
}

if (!existsSync(dir)) {
  console.log(`skipped: corpus absent (${dir})`);
  process.exit(0);
}
ensureBuilt();
console.log(`contract-diff benchmark: node ${process.version}, load average ${load()} at start`);

const startup = (args: string[]): number => median(Array.from({ length: RUNS }, () => time(args).seconds));
const nodeStartup = startup(['-e', '0']);
console.log(`start-up: contract-diff --help median ${sec(startup([bin, '--help']))}, node -e 0 median ${sec(nodeStartup)} (${RUNS} runs each)`);

const files = snapshots();
for (let i = 0; i + 1 < files.length; i++) comparePair(files[i]!, files[i + 1]!);

const [from, to] = YEAR.map((c) => files.find((f) => f.includes(`@${c}`)));
if (!from || !to) {
  console.log(`skipped: the year pair ${YEAR.join(' → ')} is not in the corpus`);
} else {
  console.log('year pair (issue #16 bars):');
  const { ours, theirs } = comparePair(from, to);
  // The bar is for a quiet machine: on a busy one, Node's own start-up says how much of the time is the machine's.
  console.log(`  ${ours <= WALL_BAR_S ? 'PASS' : 'FAIL'} CLI wall ${sec(ours)} ≤ ${WALL_BAR_S} s (node -e 0: ${sec(nodeStartup)}, load average ${load()})`);
  console.log(`  ${theirs / ours >= RATIO_BAR ? 'PASS' : 'FAIL'} ${(theirs / ours).toFixed(1)}× ≥ ${RATIO_BAR}× faster than api-smart-diff`);
}
console.log(`load average ${load()} at the end`);
