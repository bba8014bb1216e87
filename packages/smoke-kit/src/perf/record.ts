import { recordFacts, type Facts } from '../facts.js';
import { recordLatency, type LatencyRecord, type LatencyResult } from '../latency.js';
import type { LoadSettings } from './budgets.js';
import type { Measurement } from './stats.js';

const limitsText = (r: LatencyResult) => {
  const b = r.budget;
  const parts = [
    b.p95Ms !== undefined ? `p95 ≤ ${b.p95Ms} ms` : '',
    b.p99Ms !== undefined ? `p99 ≤ ${b.p99Ms} ms` : '',
    b.overheadMs !== undefined ? `+${b.overheadMs} ms over ${r.baseline?.id ?? 'baseline'}` : '',
    `errors ≤ ${(b.maxErrorRate ?? 0) * 100} %`,
  ];
  return `${parts.filter(Boolean).join(', ')} (${b.source})`;
};

/** The facts table of one perf file: a row per budget, the load and the method as notes. */
export function perfFacts(title: string, load: LoadSettings, results: LatencyResult[]): Facts {
  return {
    title,
    columns: ['budget', 'request', 'requests', 'errors', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'baseline p95 ms', 'limits', 'verdict'],
    rows: results.map((r) => [r.id, r.request, r.requests, r.errors, `${(r.errorRate * 100).toFixed(1)} %`, r.p50Ms, r.p95Ms, r.p99Ms, r.baseline?.p95Ms ?? null, limitsText(r), r.verdict === 'pass' ? 'pass' : `FAIL: ${r.violations.join('; ')}`]),
    notes: [
      `load per request: ${load.maxRequests} requests within ${load.maxSeconds} s, ${load.connections} connections, at most ${load.rate}/s (autocannon), after a short warm-up`,
      'percentiles by nearest rank over the latency of every answer; non-2xx answers, transport errors and timeouts count as errors',
    ],
  };
}

/** The LatencyRecord of one perf file (the runner folds every file's record into results.json and marks shards). */
export function perfRecord(target: { name: string; environment?: string }, runId: string, at: string, load: LoadSettings, results: LatencyResult[]): LatencyRecord {
  return {
    target: target.name,
    ...(target.environment ? { environment: target.environment } : {}),
    runId,
    at,
    load,
    results,
  };
}

/** Writes a perf file's LatencyRecord and facts table under one name (nothing when nothing was measured). */
export function writePerf(name: string, title: string, run: { target: { name: string; environment?: string }; runId: string }, at: string, load: LoadSettings, results: LatencyResult[]): void {
  if (results.length === 0) return;
  recordLatency(name, perfRecord(run.target, run.runId, at, load, results));
  recordFacts(name, perfFacts(title, load, results));
}

/**
 * The failure message of a broken budget: its violation sentences, and when anything failed, what the
 * target answered (e.g. `401×200`), since "error rate 100 %" alone does not say why.
 */
export function violationMessage(result: LatencyResult, measured: Measurement): string {
  const answers = Object.entries(measured.statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${code}×${n}`)
    .join(', ');
  return `${result.id} (${result.request}): ${result.violations.join('; ')}${measured.errors > 0 ? ` — answers: ${answers}` : ''}`;
}
