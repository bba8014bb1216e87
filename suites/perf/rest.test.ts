import { latencyBudgets } from '@cleanapp/contracts';
import { canonicalOpenApi, contractValidator, suiteContext, type LatencyResult } from '@cleanapp/smoke-kit';
import { judge, loadSettings, measureLoad, operationRequest, resolveBudgets, violationMessage, writePerf } from '@cleanapp/smoke-kit/perf';
import { afterAll, describe, it } from 'vitest';

/**
 * REST latency budgets (x-cleanapp-latency, target `latency` overrides): each budgeted operation under
 * bounded load; an overhead budget measures its public baseline right before itself (back to back, same
 * machine conditions) and compares the p95s. One check per budget id; a broken one fails with its
 * violation sentences.
 */
const ctx = suiteContext();
const load = loadSettings(ctx.target.latency);
const budgets = resolveBudgets(latencyBudgets(canonicalOpenApi()), ctx.target.latency).filter((b) => b.kind === 'rest');
const operations = new Map(contractValidator().operations.map((op) => [op.operationId, op]));
const startedAt = new Date().toISOString();
const results: LatencyResult[] = [];

async function measure(operationId: string) {
  const op = operations.get(operationId)!; // latencyBudgets() checked that budgets and baselines exist
  const request = operationRequest(op.method, op.path);
  const headers: Record<string, string> = request.scopes.length ? { authorization: `Bearer ${await ctx.token(...request.scopes)}` } : {};
  const label = `${request.method} ${request.path}`;
  return { label, measurement: await measureLoad({ url: ctx.url(request.path), method: 'GET', headers }, load) };
}

afterAll(() => writePerf('perf-rest', 'perf: REST latency under load', ctx, startedAt, load, results));

describe('perf: REST latency budgets', () => {
  for (const budget of budgets) {
    const what = [budget.limits.p95Ms !== undefined ? `p95 ≤ ${budget.limits.p95Ms} ms` : '', budget.limits.p99Ms !== undefined ? `p99 ≤ ${budget.limits.p99Ms} ms` : '', budget.baseline ? `p95 ≤ ${budget.baseline}'s + ${budget.limits.overheadMs} ms` : '']
      .filter(Boolean)
      .join(', ');
    it(`${budget.id}: ${what} (${budget.source})`, async () => {
      const baseline = budget.baseline ? { id: budget.baseline, measurement: (await measure(budget.baseline)).measurement } : undefined;
      const { label, measurement } = await measure(budget.id);
      const result = judge(budget, label, measurement, baseline);
      results.push(result);
      if (result.verdict === 'fail') throw new Error(violationMessage(result, measurement));
    });
  }
});
