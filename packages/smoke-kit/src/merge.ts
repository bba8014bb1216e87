import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describeDeployed, markdownSummary } from './runner.js';
import { failureGroupsOf, writeRunReports, type RunReport } from './run-report.js';
import type { SmokeResults } from './reporter.js';

/** Input `merge` cannot use (a missing or corrupt results.json/junit.xml): exit 2. */
export class MergeError extends Error {}

interface Shard {
  dir: string;
  report: RunReport;
  junit: string;
}

function readShard(dir: string): Shard {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new MergeError(`${file}: missing (is ${dir} a smoke report dir?)`);
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  } catch (error) {
    throw new MergeError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const problems = [
    typeof report?.target?.name !== 'string' && 'target.name',
    typeof report?.runId !== 'string' && 'runId',
    typeof report?.summary?.failed !== 'number' && 'summary.failed',
    !Array.isArray(report?.results) && 'results',
  ].filter(Boolean);
  if (problems.length > 0) throw new MergeError(`${file}: not a smoke results file (missing or wrong: ${problems.join(', ')})`);
  const junitFile = join(dir, 'junit.xml');
  if (!existsSync(junitFile)) throw new MergeError(`${junitFile}: missing (every shard writes one next to results.json)`);
  return { dir, report, junit: readFileSync(junitFile, 'utf8') };
}

/** The `<testsuite>` elements of a JUnit file, without the latency block (the merge writes one for all shards). */
export function junitSuites(xml: string): string[] {
  return (xml.match(/<testsuite\b[^>]*?(?:\/>|>[\s\S]*?<\/testsuite>)/g) ?? []).filter((s) => !/^<testsuite name="latency \(measured/.test(s));
}

function mergedJunit(name: string, shards: readonly Shard[], report: RunReport): string {
  const suites = shards.flatMap((s) => junitSuites(s.junit));
  const attr = (a: string) => suites.reduce((n, s) => n + Number(new RegExp(`^<testsuite\\b[^>]*?\\s${a}="(\\d+)"`).exec(s)?.[1] ?? 0), 0);
  const esc = (s: string) => s.replace(/[&<"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;' })[c]!);
  return `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="${esc(name)}" tests="${attr('tests')}" failures="${attr('failures')}" errors="${attr('errors')}" time="${(report.durationMs / 1000).toFixed(3)}">
${suites.map((s) => `  ${s}`).join('\n')}
</testsuites>
`;
}

/** Evidence (screenshots, traces) of each shard, copied under `<out>/shards/<n>-<dir name>/` so report.html links it. */
function copyEvidence(out: string, shards: readonly Shard[]): void {
  shards.forEach((s, i) => {
    const from = resolve(s.dir);
    if (!relative(resolve(out), from).startsWith('..') && resolve(out) !== from) return; // already inside the output
    cpSync(from, join(out, 'shards', `${i + 1}-${basename(from)}`), { recursive: true, filter: (src) => src === from || !/\.(json|xml|html|md|jsonl)$/.test(src) });
  });
}

export interface MergeOptions {
  reportDir: string;
  dirs: string[];
  history?: string;
}

export interface MergeSummary {
  report: RunReport;
  warnings: string[];
  exitCode: 0 | 1;
  historyNotes: string[];
}

/** Merges the shards' report dirs into one: results.json, junit.xml, report.html and summary.md. */
export function mergeReports(options: MergeOptions): MergeSummary {
  if (options.dirs.length === 0) throw new MergeError('merge needs at least one shard report dir');
  const shards = options.dirs.map(readShard);
  const first = shards[0]!.report;
  // Shards of one CI run share a target; locally each embedded stack has its own name, so a mismatch is a warning.
  const names = [...new Set(shards.map((s) => s.report.target.name))];
  const warnings = names.length > 1 ? [`the shards ran against different targets (${names.join(', ')}); the merged report is named after ${first.target.name}`] : [];

  const sum = (key: 'passed' | 'failed' | 'skipped' | 'flaky') => shards.reduce((n, s) => n + (s.report.summary[key] ?? 0), 0);
  const results: SmokeResults = {
    passed: sum('passed'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    flaky: sum('flaky'),
    suites: shards.flatMap((s) => s.report.results),
    unhandledErrors: shards.flatMap((s) => s.report.unhandledErrors ?? []),
    reason: 'passed',
  };
  if (results.passed + results.failed + results.skipped === 0) {
    // Each shard may legitimately be empty (more shards than files), but not all of them.
    results.failed += 1;
    results.unhandledErrors.push({ name: 'MergeError', message: `no checks in any of the ${shards.length} shards (${options.dirs.join(', ')})` });
  }
  const exitCode: 0 | 1 = results.failed > 0 || shards.some((s) => s.report.summary.exitCode !== 0) ? 1 : 0;
  results.reason = exitCode === 0 ? 'passed' : 'failed';
  const starts = shards.map((s) => s.report.startedAt).sort();
  const deployedFrom = shards.find((s) => s.report.deployed)?.report ?? first;
  const report: RunReport = {
    target: first.target,
    deployed: deployedFrom.deployed ?? null,
    deployedServices: deployedFrom.deployedServices ?? [],
    deployedSource: first.deployedSource,
    runId: shards.map((s) => s.report.runId).join('+'),
    startedAt: starts[0]!,
    // Shards run side by side: the merged run took as long as its slowest shard.
    durationMs: Math.max(...shards.map((s) => s.report.durationMs ?? 0)),
    suites: [...new Set(shards.flatMap((s) => s.report.suites ?? []))],
    merged: shards.map((s) => ({ dir: s.dir, ...(s.report.shard ? { shard: s.report.shard } : {}), runId: s.report.runId, exitCode: s.report.summary.exitCode })),
    summary: { passed: results.passed, failed: results.failed, skipped: results.skipped, flaky: results.flaky, exitCode },
    failureGroups: failureGroupsOf(results),
    results: results.suites,
    unhandledErrors: results.unhandledErrors,
    facts: shards.flatMap((s) => s.report.facts ?? []),
    latency: shards.flatMap((s) => s.report.latency ?? []),
  };

  mkdirSync(options.reportDir, { recursive: true });
  copyEvidence(options.reportDir, shards);
  writeFileSync(join(options.reportDir, 'junit.xml'), mergedJunit(`smoke ${first.target.name}`, shards, report));
  const shardList = report.merged!.map((m) => m.shard ?? m.dir).join(', ');
  const { historyNotes } = writeRunReports(options.reportDir, report, results, {
    ...(options.history ? { history: options.history } : {}),
    markdown: markdownSummary(`${first.target.name}`, results, report.durationMs, report.deployed ?? undefined, report.deployedServices, report.facts, `merged: ${shardList}`),
    summaryFile: join(options.reportDir, 'summary.md'),
    htmlInfo: { deployed: describeDeployed(report.deployed ?? undefined) },
  });
  return { report, exitCode, historyNotes, warnings };
}
