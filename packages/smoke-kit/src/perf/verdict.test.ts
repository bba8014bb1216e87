import { describe, expect, it } from 'vitest';
import { resolveBudgets } from './budgets.js';
import { summarize } from './stats.js';
import { judge } from './verdict.js';

const ok = (latencies: number[]) => summarize(latencies, { 200: latencies.length }, 1);
const [health, stats] = resolveBudgets(
  [
    { id: 'getHealth', kind: 'rest', limits: { p95Ms: 100 } },
    { id: 'getStats', kind: 'rest', limits: { overheadMs: 50 }, baseline: 'getHealth' },
  ],
  { budgets: { getStats: { overheadMs: 40, p99Ms: 500 } } },
);

describe('judge', () => {
  it('passes within every limit and records what was measured and applied', () => {
    const r = judge(health!, 'GET /api/v4/health', ok([1, 2, 3, 99.96]));
    expect(r).toMatchObject({ id: 'getHealth', verdict: 'pass', violations: [], requests: 4, errors: 0, p95Ms: 99.96, budget: { p95Ms: 100, source: 'contract' } });
  });

  it('says which limit broke, by how much, and where the limit came from', () => {
    // 20 answers: the p95 is the 19th fastest, so two slow answers make a slow p95, one does not
    expect(judge(health!, 'GET /api/v4/health', ok([...Array<number>(19).fill(10), 182.44])).verdict).toBe('pass');
    const slow = ok([...Array<number>(18).fill(10), 182.44, 182.44]);
    expect(judge(health!, 'GET /api/v4/health', slow).violations).toEqual(['p95 182.4 ms > 100 ms (contract)']);
    const base = { id: 'getHealth', measurement: ok([...Array<number>(20).fill(10)]) };
    const r = judge(stats!, 'GET /api/v4/stats', ok([...Array<number>(18).fill(20), 71, 71]), base);
    expect(r.violations).toEqual(['p95 overhead 61 ms over getHealth > 40 ms (target)']);
    expect(r).toMatchObject({ verdict: 'fail', baseline: { id: 'getHealth', p95Ms: 10 }, budget: { overheadMs: 40, p99Ms: 500, source: 'target' } });
  });

  it('fails any error rate above maxErrorRate, 0 % by default', () => {
    const m = summarize(Array<number>(50).fill(1), { 200: 49, 503: 1 }, 1);
    expect(judge(health!, 'GET /api/v4/health', m).violations).toEqual(['error rate 2.0 % > 0 %']);
    const [tolerant] = resolveBudgets([{ id: 'getHealth', kind: 'rest', limits: { p95Ms: 100, maxErrorRate: 0.05 } }], undefined);
    expect(judge(tolerant!, 'GET /api/v4/health', m).verdict).toBe('pass');
  });

  it('fails a run with no answers, and an overhead without a measured baseline', () => {
    expect(judge(health!, 'GET /api/v4/health', summarize([], {}, 1)).violations).toEqual(['no answer to measure: every request was still pending when the load stopped']);
    expect(judge(stats!, 'GET /api/v4/stats', ok([5]), { id: 'getHealth', measurement: summarize([], {}, 1) }).violations).toEqual(['baseline getHealth had no answer to compare with']);
    expect(() => judge(stats!, 'GET /api/v4/stats', ok([5]))).toThrow('overheadMs needs a measured baseline');
  });
});
