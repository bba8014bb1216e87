import type { LatencyBudgetSpec } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD, loadSettings, resolveBudgets } from './budgets.js';

const specs: LatencyBudgetSpec[] = [
  { id: 'getHealth', kind: 'rest', limits: { p95Ms: 100 }, operation: { method: 'GET', path: '/api/v4/health', public: true } },
  { id: 'getStats', kind: 'rest', limits: { overheadMs: 50 }, baseline: 'getHealth', operation: { method: 'GET', path: '/api/v4/stats', public: false } },
  { id: 'graphql', kind: 'graphql', limits: { overheadMs: 10 } },
];

describe('resolveBudgets', () => {
  it('without target overrides: the contract\'s limits, all from the contract', () => {
    const [health, stats, graphql] = resolveBudgets(specs, undefined);
    expect(health).toMatchObject({ id: 'getHealth', limits: { p95Ms: 100 }, sources: { p95Ms: 'contract' }, source: 'contract' });
    expect(stats).toMatchObject({ baseline: 'getHealth', limits: { overheadMs: 50 }, source: 'contract' });
    expect(graphql).toMatchObject({ kind: 'graphql', limits: { overheadMs: 10 } });
  });

  it('a target override replaces a limit, adds others, and each limit keeps its source', () => {
    const [health, stats, graphql] = resolveBudgets(specs, { budgets: { getHealth: { p95Ms: 0.001, p99Ms: 5 }, getStats: { maxErrorRate: 0.01 }, graphql: { overheadMs: 25 } } });
    expect(health).toMatchObject({ limits: { p95Ms: 0.001, p99Ms: 5 }, sources: { p95Ms: 'target', p99Ms: 'target' }, source: 'target' });
    expect(stats).toMatchObject({ limits: { overheadMs: 50, maxErrorRate: 0.01 }, sources: { overheadMs: 'contract', maxErrorRate: 'target' }, source: 'contract+target' });
    expect(graphql).toMatchObject({ limits: { overheadMs: 25 }, sources: { overheadMs: 'target' }, source: 'target' });
  });

  it('refuses an override of a budget the contract does not have, or an overhead without a baseline, naming the field', () => {
    expect(() => resolveBudgets(specs, { budgets: { getHealthz: { p95Ms: 5 } } })).toThrow('target latency.budgets.getHealthz: the contract has no latency budget `getHealthz` (budgets: getHealth, getStats, graphql)');
    expect(() => resolveBudgets(specs, { budgets: { getHealth: { overheadMs: 5 } } })).toThrow('target latency.budgets.getHealth.overheadMs: `getHealth` has no baseline');
  });
});

describe('loadSettings', () => {
  it('defaults to 200/s, 200 requests, 10 s, 4 connections; the target overrides each', () => {
    expect(loadSettings(undefined)).toEqual({ rate: 200, maxRequests: 200, maxSeconds: 10, connections: 4 });
    expect(DEFAULT_LOAD).toEqual(loadSettings({}));
    expect(loadSettings({ rate: 50, maxSeconds: 2 })).toEqual({ rate: 50, maxRequests: 200, maxSeconds: 2, connections: 4 });
  });
});
