import { expect, test } from 'vitest';
import { recordFacts } from '../../../src/facts.js';
import { recordLatency, type LatencyResult } from '../../../src/latency.js';

/**
 * One stand-in perf file (merge.test.ts): it records what suites/perf records, with the p95 the test sets
 * through `LAT_FIXTURE_P95_<KIND>` (default 20 ms, budget 100 ms), so the runner, shards and merge are
 * exercised end to end. One file per kind, so vitest's shards have two files to split.
 */
export function standInPerfFile(kind: LatencyResult['kind']): void {
  const p95 = Number(process.env[`LAT_FIXTURE_P95_${kind.toUpperCase()}`] ?? 20);
  test(`${kind} latency within budget`, () => {
    const within = p95 <= 100;
    recordLatency(kind, {
      target: 'fixture',
      runId: 'fixture-run',
      at: new Date().toISOString(),
      load: { rate: 10, maxRequests: 10, maxSeconds: 1, connections: 1 },
      results: [{ id: `${kind}-op`, kind, request: `GET /${kind}`, requests: 10, errors: 0, errorRate: 0, p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 + 1, budget: { p95Ms: 100, source: 'contract' }, verdict: within ? 'pass' : 'fail', violations: within ? [] : [`p95 ${p95} ms > 100 ms (contract)`] }],
    });
    recordFacts(kind, { title: `perf: ${kind}`, columns: ['budget', 'p95 ms'], rows: [[`${kind}-op`, p95]] });
    expect(p95).toBeLessThanOrEqual(100);
  });
}
