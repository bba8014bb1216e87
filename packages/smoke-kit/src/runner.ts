import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SHARED_CHROMIUM_ENV } from './browser.js';
import { SUITE_CONTEXT_ENV, suiteHandoff } from './context.js';
import { clearFacts, factsConsole, factsMarkdown, readFacts, type Facts } from './facts.js';
import { clearLatency, readLatency } from './latency.js';
import { failureGroupsOf, writeRunReports, type RunReport } from './run-report.js';
import { longestBudget } from './budgets.js';
import { groupFailures, groupHeadline } from './causes.js';
import { deployedMarkdown, deployedVersions, primaryDeployed, type Deployed, type DeployedService } from './deployed.js';
import { mask } from './mask.js';
import { SmokeReporter, type SmokeResults } from './reporter.js';
import { longestFirst } from './sequencer.js';
import type { Target } from './target.js';

/** This package's folder: the nearest package.json above this module (src/ in the workspace, dist/ when built). */
function ownPackageDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@cleanapp/smoke-kit') return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of @cleanapp/smoke-kit above ${from}`);
  }
}

/**
 * Where the suites live: this repository's suites/ when the kit runs inside the workspace
 * (packages/smoke-kit, next to pnpm-workspace.yaml), else the compiled suites of the installed
 * @cleanapp/smoke-suites package (a dependency of this one). Undefined when neither is there.
 */
export function locateSuites(packageDir = ownPackageDir()): { suitesDir: string | undefined; repoRoot: string | undefined } {
  const workspace = resolve(packageDir, '..', '..');
  if (existsSync(join(workspace, 'pnpm-workspace.yaml')) && existsSync(join(workspace, 'suites'))) return { suitesDir: join(workspace, 'suites'), repoRoot: workspace };
  const manifest = installedPackage(packageDir, '@cleanapp/smoke-suites');
  return { suitesDir: manifest ? join(dirname(manifest), 'dist') : undefined, repoRoot: undefined };
}

/**
 * The package.json of `name` as an ESM import from `fromDir` finds it: the nearest `node_modules/<name>`
 * up the tree. Not require.resolve: that also searches NODE_PATH (pnpm sets it for scripts), which can
 * point into some other checkout's packages.
 */
function installedPackage(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (basename(dir) !== 'node_modules' && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const located = locateSuites();
/** The repository root when running inside the workspace; undefined when installed from a registry. */
export const repoRoot = located.repoRoot;
export const suitesDir = located.suitesDir;
/** `.reports/smoke` of the repository, or of the directory the runner was started in when installed. */
export const defaultReportDir = join(repoRoot ?? process.cwd(), '.reports', 'smoke');

export interface SuiteInfo {
  name: string;
  dir: string;
  /** One line: what the suite checks (package.json `description`). */
  description: string;
  /** The suite needs a token: the target must have `auth` (package.json `smoke.auth`). */
  needsAuth: boolean;
  /** When the suite runs: `gate` (service-repo CI) and/or `nightly` (canary). */
  tags: string[];
  /** Services whose behaviour the suite checks (for `--service`). */
  services: string[];
  /** The suite drives Chromium (package.json `smoke.browser`): the runner starts one for the run. */
  browser: boolean;
}

/** Test files: TypeScript in the workspace, JavaScript in the published @cleanapp/smoke-suites. */
const TEST_FILE = /\.test\.[jt]s$/;

/** Whether `dir` holds a test file (node_modules and dot-folders are not searched). */
function hasTestFiles(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && TEST_FILE.test(entry.name)) return true;
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.') && hasTestFiles(join(dir, entry.name))) return true;
  }
  return false;
}

/** Suites are the folders under suites/ that contain `*.test.ts` (or compiled `*.test.js`) files. */
export function discoverSuites(dir = suitesDir): SuiteInfo[] {
  if (dir === undefined || !existsSync(dir)) return [];
  const suites: SuiteInfo[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const suiteDir = join(dir, entry.name);
    if (!hasTestFiles(suiteDir)) continue;
    let pkg: { description?: string; smoke?: { auth?: boolean; tags?: string[]; services?: string[]; browser?: boolean } } = {};
    try {
      pkg = JSON.parse(readFileSync(join(suiteDir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      // a suite without package.json still runs
    }
    suites.push({
      name: entry.name,
      dir: suiteDir,
      description: pkg.description ?? '',
      needsAuth: pkg.smoke?.auth === true,
      tags: pkg.smoke?.tags ?? ['gate', 'nightly'],
      services: pkg.smoke?.services ?? [],
      browser: pkg.smoke?.browser === true,
    });
  }
  return suites.sort((a, b) => a.name.localeCompare(b.name));
}

export interface RunOptions {
  /** The parsed, validated target; handed to the suites as is (`suiteContext()`). */
  target: Target;
  suites: string[];
  reportDir: string;
  runId: string;
  /** Canary mode: retry a failed check this many times and report it as flaky if it then passes. */
  retries?: number;
  /** Console output (already masked); defaults to stdout. */
  write?: (line: string) => void;
  color?: boolean;
  /**
   * Test files run in parallel (default 2: CI machines have 2 cores; a third worker was no faster on a
   * busy machine and its extra load pushed the perf suite's p95s over their budgets).
   */
  maxWorkers?: number;
  signal?: AbortSignal;
  /** Where the suites live (default: the repo's suites/; tests point it at fixtures). */
  suitesDir?: string;
  /** `i/n`: run only this shard of the selected test files (vitest's own sharding). */
  shard?: string;
  /** A JSON-lines file: append this run's latency results and draw the trend from it. */
  history?: string;
  /** CDP endpoint of the run's shared Chromium (startSharedChromium), handed to the suites. */
  chromiumEndpoint?: string;
  /** Workspace packages the suites import from their built dist/ rather than src/ (fresh builds only). */
  publishedPackages?: PublishedPackage[];
  /**
   * Set when every package the suites import is among `publishedPackages`: the export condition under
   * which their workspace package.json files name dist/ (bin/workspace-dist.mjs, `cleanapp-dist`).
   * vitest's workers then run with it and import dist/ natively instead of through vite's transform and
   * evaluation (about half a second less per heavy file); a resolve hook would do the same, but Node 20
   * then loads every module through the hooks thread.
   */
  distCondition?: string;
}

/** A workspace package as published: its name and, per export subpath (`.`, `./perf`), the file URL in dist/. */
export interface PublishedPackage {
  name: string;
  exports: Record<string, string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * What vitest must leave to Node under `distCondition`: the folders of the published files (vite would
 * otherwise transform and evaluate each dist/ module itself).
 */
export function publishedExternals(packages: readonly PublishedPackage[]): RegExp[] {
  const folders = new Set(packages.flatMap((p) => Object.values(p.exports).map((url) => `${dirname(fileURLToPath(url))}/`)));
  return [...folders].map((folder) => new RegExp(`^${escapeRegExp(folder)}`));
}

/** vite aliases sending `name` + subpath to the published file (exact matches only: JSON and other subpaths resolve as usual). */
export function publishedAliases(packages: readonly PublishedPackage[]): { find: RegExp; replacement: string }[] {
  return packages.flatMap((p) => Object.entries(p.exports).map(([subpath, url]) => ({ find: new RegExp(`^${escapeRegExp(p.name + subpath.slice(1))}$`), replacement: fileURLToPath(url) })));
}

export interface RunSummary extends SmokeResults {
  deployed: Deployed | undefined;
  /** Every service of the target with what its /version reports, flagged (the deployed-versions table). */
  deployedServices: DeployedService[];
  durationMs: number;
  exitCode: 0 | 1;
  resultsFile: string;
  junitFile: string;
  /** Skipped lines of the history file (`file:line: why`). */
  historyNotes: string[];
}

/** A Writable that masks what passes through (vitest's own logger writes here). */
function maskingStream(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const text = chunk.toString().replace(/\n$/, '');
      if (text.trim()) write(mask(text));
      cb();
    },
  });
}

let vitestModule: Promise<typeof import('vitest/node')> | undefined;
/** Starts loading vitest's Node API (≈1 s) so it overlaps with starting the stack or probing the target. */
export function preloadVitest(): Promise<typeof import('vitest/node')> {
  vitestModule ??= import('vitest/node');
  return vitestModule;
}

// The target's own claim (GET /version), never verified: a mock answers its example data here.
export const describeDeployed = (d: Deployed | undefined) =>
  d ? `${d.service} ${d.version} (git ${d.git_sha}, built ${d.build_time}) — as reported by the target's GET /version` : 'unknown (GET /version did not answer)';

/** A short Markdown summary for `$GITHUB_STEP_SUMMARY`: counts, the deployed versions, failures grouped by cause, flaky checks, facts. */
export function markdownSummary(targetName: string, results: SmokeResults, durationMs: number, deployed?: Deployed, deployedServices: readonly DeployedService[] = [], facts: Facts[] = [], shard?: string): string {
  const lines = [
    `### smoke against ${targetName}${shard ? ` (${shard})` : ''}: ${results.failed === 0 ? 'passed' : 'failed'}`,
    '',
    `Deployed: ${describeDeployed(deployed)}`,
    '',
    ...(deployedServices.length > 0 ? [...deployedMarkdown(deployedServices), ''] : []),
    `${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped${results.flaky ? `, ${results.flaky} flaky` : ''} (${(durationMs / 1000).toFixed(1)}s)`,
    '',
  ];
  // Grouped by cause: one line per root cause, the affected checks folded below it.
  for (const g of groupFailures(results)) {
    if (g.checks.length === 1) lines.push(`- ❌ **${g.checks[0]}**: ${g.cause}`);
    else lines.push(`- ❌ **${groupHeadline(g)}**`, '  <details><summary>checks</summary>', '', ...g.checks.map((c) => `  - ${c}`), '', '  </details>');
  }
  for (const suite of results.suites) for (const check of suite.checks.filter((c) => c.flaky)) lines.push(`- ⚠️ flaky: **${suite.suite}** › ${check.fullName}`);
  if (facts.length > 0) lines.push('', ...factsMarkdown(facts));
  return `${lines.join('\n')}\n`;
}

/** Runs the selected suites with vitest's Node API and writes junit.xml and results.json. */
export async function runSmoke(options: RunOptions): Promise<RunSummary> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { startVitest, BaseSequencer } = await preloadVitest();
  mkdirSync(options.reportDir, { recursive: true });
  clearFacts(options.reportDir);
  clearLatency(options.reportDir);
  const junitFile = join(options.reportDir, 'junit.xml');
  const resultsFile = join(options.reportDir, 'results.json');
  const root = options.suitesDir ?? suitesDir;
  if (root === undefined) throw new Error('no suites: neither this repository\'s suites/ nor the @cleanapp/smoke-suites package was found');
  const reporter = new SmokeReporter(root, write, options.color ?? false);
  const started = performance.now();
  const startedAt = new Date().toISOString();

  // A check may wait its longest budget (budgets in the target) and still needs time to report.
  const checkTimeout = Math.max(20_000, longestBudget(options.target) + 10_000);
  const maxWorkers = options.maxWorkers ?? 2;
  const published = options.publishedPackages ?? [];
  const native = options.distCondition !== undefined && published.length > 0;
  const handoff = suiteHandoff(options.target, options.runId);
  const previous = process.env[SUITE_CONTEXT_ENV];
  process.env[SUITE_CONTEXT_ENV] = handoff;
  const out = maskingStream(write);
  let vitest: Awaited<ReturnType<typeof startVitest>> | undefined;
  const onAbort = () => void vitest?.cancelCurrentRun('keyboard-input');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // vitest's logger exits the process on SIGINT/SIGTERM; the CLI must cancel the run and stop the
  // stack itself, so those handlers are detached once vitest is initialised.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const ownHandlers = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // startVitest resolves only after the run; take the instance as soon as it exists so Ctrl-C can cancel.
  const cancelHook = {
    onInit(instance: Awaited<ReturnType<typeof startVitest>>) {
      vitest = instance;
      if (options.signal) {
        for (const s of signals) {
          for (const listener of process.listeners(s)) if (!ownHandlers.get(s)!.has(listener)) process.off(s, listener);
        }
      }
      if (options.signal?.aborted) onAbort();
    },
  };
  try {
    vitest = await startVitest(
      'test',
      [],
      {
        root,
        config: false,
        watch: false,
        include: options.suites.map((s) => `${s}/**/*.test.{ts,js}`),
        exclude: ['**/node_modules/**'],
        reporters: [cancelHook, reporter, ['junit', { suiteName: `smoke ${options.target.name}` }]],
        outputFile: { junit: junitFile },
        retry: options.retries ?? 0,
        // One fork per worker, reused for its files without re-importing (isolate: false): the heavy
        // modules (ajv + the compiled contracts, graphql, playwright-core) load once per worker instead of
        // once per file (a third less CPU in a full run). The suites keep no per-file global state (no mocks,
        // no env changes), so sharing a module registry is safe; forks keep them out of the runner's process.
        pool: 'forks',
        isolate: false,
        maxWorkers,
        sequence: { sequencer: longestFirst(BaseSequencer, maxWorkers) },
        fileParallelism: maxWorkers > 1,
        ...(native
          ? { execArgv: [`--conditions=${options.distCondition}`], server: { deps: { external: publishedExternals(published) } } }
          : {}),
        testTimeout: checkTimeout,
        hookTimeout: checkTimeout,
        // A shard may get no file (3 shards over 2 perf files): the merge step checks that the shards together ran checks.
        passWithNoTests: options.shard !== undefined,
        ...(options.shard ? { shard: options.shard } : {}),
        env: { [SUITE_CONTEXT_ENV]: handoff, CLEANAPP_REPORT_DIR: options.reportDir, ...(options.chromiumEndpoint ? { [SHARED_CHROMIUM_ENV]: options.chromiumEndpoint } : {}) },
      },
      {
        // graphql ships .js and .mjs without `exports`; harmless for suites that do not use it.
        // Workspace packages with a fresh build: their dist/ JavaScript (no TypeScript to compile per run).
        resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }, ...publishedAliases(published)] },
        // Keep vite/vitest caches out of the repository; results are never reused between runs.
        cacheDir: join(tmpdir(), 'cleanapp-smoke-vite'),
        logLevel: 'warn',
      },
      { stdout: out, stderr: out },
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await vitest?.close();
    if (previous === undefined) delete process.env[SUITE_CONTEXT_ENV];
    else process.env[SUITE_CONTEXT_ENV] = previous;
  }
  // vitest sets process.exitCode on failures; the CLI decides the exit code itself.
  process.exitCode = undefined;

  const durationMs = Math.round(performance.now() - started);
  const results = reporter.results;
  if (results.reason === 'not-run') {
    results.failed += 1;
    results.unhandledErrors.push({ name: 'RunnerError', message: 'vitest did not run the suites (see the messages above)' });
  }
  if (results.passed + results.failed + results.skipped === 0 && options.shard) {
    write(`smoke: shard ${options.shard} got no test file of suites ${options.suites.join(', ')} (more shards than files); the merge counts the others`);
  } else if (results.passed + results.failed + results.skipped === 0) {
    results.failed += 1;
    results.unhandledErrors.push({ name: 'RunnerError', message: `no checks found in suites ${options.suites.join(', ')}` });
  }
  const exitCode: 0 | 1 = results.failed > 0 || results.reason === 'interrupted' ? 1 : 0;

  const deployedServices = await deployedVersions(options.target);
  const deployed = primaryDeployed(deployedServices, options.target);
  const facts = readFacts(options.reportDir);
  for (const line of factsConsole(facts)) write(mask(line));
  const report: RunReport = {
    target: { name: options.target.name, baseUrl: options.target.rest.baseUrl, ...(options.target.environment ? { environment: options.target.environment } : {}) },
    deployed: deployed ?? null,
    deployedServices,
    deployedSource: "the target's own claim (GET /version), not verified",
    runId: options.runId,
    startedAt,
    durationMs,
    suites: options.suites,
    ...(options.shard ? { shard: options.shard } : {}),
    summary: { passed: results.passed, failed: results.failed, skipped: results.skipped, flaky: results.flaky, exitCode },
    failureGroups: failureGroupsOf(results),
    results: results.suites,
    unhandledErrors: results.unhandledErrors,
    facts,
    latency: readLatency(options.reportDir).map((r) => (options.shard ? { ...r, shard: options.shard } : r)),
  };
  const { historyNotes } = writeRunReports(options.reportDir, report, results, {
    ...(options.history ? { history: options.history } : {}),
    markdown: markdownSummary(report.target.name, results, durationMs, deployed, deployedServices, facts, options.shard),
    htmlInfo: { deployed: describeDeployed(deployed) },
  });
  return { ...results, durationMs, exitCode, resultsFile, junitFile, deployed, deployedServices, historyNotes };
}
