import { expect, test } from 'vitest';
import { recordLatency } from '../../../src/latency.js';
import { recordFacts } from '../../../src/facts.js';

// A stand-in for one perf file (merge.test.ts): it records what suites/perf records, from numbers given
// by the test through the environment, so the runner, shards and merge are exercised end to end.
const p95 = Number(process.env.LAT_FIXTURE_P95_GRAPHQL ?? 20);

test('graphql latency within budget', () => {
  recordLatency('graphql', {
    target: 'fixture',
    runId: 'fixture-run',
    at: new Date().toISOString(),
    load: { rate: 10, maxRequests: 10, maxSeconds: 1, connections: 1 },
    results: [{ id: 'graphql-op', kind: 'graphql', request: 'GET /graphql', requests: 10, errors: 0, errorRate: 0, p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 + 1, budget: { p95Ms: 100, source: 'contract' }, verdict: p95 <= 100 ? 'pass' : 'fail', violations: p95 <= 100 ? [] : [`p95 ${p95} ms > 100 ms (contract)`] }],
  });
  recordFacts('graphql', { title: 'perf: graphql', columns: ['budget', 'p95 ms'], rows: [['graphql-op', p95]] });
  expect(p95).toBeLessThanOrEqual(100);
});
