import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupFailures } from './causes.js';
import type { Deployed, DeployedService } from './deployed.js';
import type { Facts } from './facts.js';
import { appendHistory, readHistory, trendHtml, type HistoryEntry } from './history.js';
import { esc as htmlEsc, htmlReport, TREND_SLOT } from './html-report.js';
import type { LatencyRecord, LatencyResult } from './latency.js';
import { mask } from './mask.js';
import type { SmokeResults, SuiteResult } from './reporter.js';

/** results.json: what one run (or the merge of its shards) found. `runSmoke` and `merge` both write it. */
export interface RunReport {
  target: { name: string; baseUrl: string; environment?: string };
  deployed: Deployed | null;
  deployedServices: DeployedService[];
  deployedSource: string;
  runId: string;
  startedAt: string;
  durationMs: number;
  suites: string[];
  /** `i/n` when this run was one shard of several. */
  shard?: string;
  /** Set by `merge`: the report dirs merged, with their shard and outcome. */
  merged?: { dir: string; shard?: string; runId: string; exitCode: number }[];
  summary: { passed: number; failed: number; skipped: number; flaky: number; exitCode: 0 | 1 };
  failureGroups: { cause: string; count: number; checks: string[]; example: string }[];
  results: SuiteResult[];
  unhandledErrors: SmokeResults['unhandledErrors'];
  facts: Facts[];
  latency: LatencyRecord[];
}

export const failureGroupsOf = (results: SmokeResults) => groupFailures(results).map((g) => ({ cause: g.cause, count: g.checks.length, checks: g.checks, example: g.example }));

/** Every budget result of the run, in record order (one record per perf file, so per shard too). */
export const latencyResults = (records: readonly LatencyRecord[]): LatencyResult[] => records.flatMap((r) => r.results);

const xmlEsc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const pct = (rate: number) => `${(rate * 100).toFixed(2)} %`;

/**
 * The latency numbers as JUnit: a `latency` testsuite with no test cases (so counts stay those of the
 * checks) holding `<properties>` per budget (Jenkins, GitLab and the test-reporter actions show them)
 * and the same table as `<system-out>` (what most CI tools print for a suite).
 */
export function junitLatency(records: readonly LatencyRecord[]): string {
  const results = latencyResults(records);
  if (results.length === 0) return '';
  const props = results.flatMap((r) =>
    (
      [
        ['p50Ms', r.p50Ms],
        ['p95Ms', r.p95Ms],
        ['p99Ms', r.p99Ms],
        ['errorRate', r.errorRate],
        ['requests', r.requests],
        ['verdict', r.verdict],
      ] as const
    ).map(([k, v]) => `      <property name="latency.${xmlEsc(r.id)}.${k}" value="${xmlEsc(String(v))}"/>`),
  );
  const text = results.map((r) => `${r.id} (${r.request}): p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms, errors ${r.errors}/${r.requests} (${pct(r.errorRate)}), ${r.verdict}${r.violations.length ? `: ${r.violations.join('; ')}` : ''}`);
  return `  <testsuite name="latency (measured on the target)" tests="0" failures="0" errors="0" skipped="0" time="0">
    <properties>
${props.join('\n')}
    </properties>
    <system-out>${xmlEsc(text.join('\n'))}</system-out>
  </testsuite>
`;
}

/** Adds the latency testsuite before `</testsuites>` (JUnit written by vitest, or merged from shards). */
export function junitWithLatency(xml: string, records: readonly LatencyRecord[]): string {
  const block = junitLatency(records);
  if (!block || !xml.includes('</testsuites>')) return xml;
  return xml.replace(/<\/testsuites>\s*$/, `${block}</testsuites>\n`);
}

/** The history entry of a run: its latency results and what was deployed. */
export function historyEntry(report: RunReport): HistoryEntry {
  const d = report.deployed;
  const shards = report.merged?.flatMap((m) => (m.shard ? [m.shard] : [])) ?? (report.shard ? [report.shard] : []);
  return {
    runId: report.runId,
    target: report.target.name,
    ...(report.target.environment ? { environment: report.target.environment } : {}),
    at: report.startedAt,
    ...(d ? { deployed: { service: d.service, version: d.version, gitSha: d.git_sha } } : {}),
    ...(shards.length ? { shards } : {}),
    exitCode: report.summary.exitCode,
    results: latencyResults(report.latency),
  };
}

export interface WriteOptions {
  /** `--history`: append this run, then draw the trend from the whole file. */
  history?: string;
  /** The step summary (Markdown) of the run; appended to `$GITHUB_STEP_SUMMARY` and written as summary.md when asked. */
  markdown: string;
  summaryFile?: string;
  htmlInfo: { deployed?: string };
}

/** Writes results.json, the JUnit latency block, report.html (with the trend when there is a history) and the summaries. */
export function writeRunReports(reportDir: string, report: RunReport, results: SmokeResults, options: WriteOptions): { historyNotes: string[] } {
  const junitFile = join(reportDir, 'junit.xml');
  if (existsSync(junitFile)) writeFileSync(junitFile, mask(junitWithLatency(readFileSync(junitFile, 'utf8'), report.latency)));
  writeFileSync(join(reportDir, 'results.json'), `${mask(JSON.stringify(report, null, 2))}\n`);
  let trend = '';
  let historyNotes: string[] = [];
  if (options.history) {
    appendHistory(options.history, historyEntry(report));
    const history = readHistory(options.history);
    historyNotes = history.notes;
    trend = trendHtml(history, options.history, (s) => mask(htmlEsc(s)));
  }
  const info = { target: report.target.name, runId: report.runId, startedAt: report.startedAt, durationMs: report.durationMs, deployedServices: report.deployedServices, facts: report.facts, ...options.htmlInfo };
  // The trend goes in after masking: it holds numbers and ids only, and the chart library must stay byte-exact.
  writeFileSync(join(reportDir, 'report.html'), mask(htmlReport(reportDir, info, results)).replace(TREND_SLOT, () => trend));
  const markdown = mask(options.markdown);
  if (options.summaryFile) writeFileSync(options.summaryFile, markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  return { historyNotes };
}
