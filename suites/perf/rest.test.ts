import { latencyBudgets } from '@cleanapp/contracts';
import { canonicalOpenApi, contractValidator, suiteContext, type LatencyResult } from '@cleanapp/smoke-kit';
import { judge, loadSettings, measureLoad, measurePair, operationRequest, resolveBudgets, violationMessage, writePerf, type LoadRequest } from '@cleanapp/smoke-kit/perf';
import { afterAll, describe, it } from 'vitest';

/**
 * REST latency budgets (x-cleanapp-latency, target `latency` overrides): each budgeted operation under
 * bounded load; an overhead budget measures its public baseline and itself in alternating rounds (same
 * machine conditions) and compares the p95s. One check per budget id; a broken one fails with its
 * violation sentences.
 */
const ctx = suiteContext();
const load = loadSettings(ctx.target.latency);
const budgets = resolveBudgets(latencyBudgets(canonicalOpenApi()), ctx.target.latency).filter((b) => b.kind === 'rest');
const operations = new Map(contractValidator().operations.map((op) => [op.operationId, op]));
const startedAt = new Date().toISOString();
const results: LatencyResult[] = [];

/** The budgeted operation's request (contract examples), with a token when it is protected. */
async function requestOf(operationId: string): Promise<{ label: string; request: LoadRequest }> {
  const op = operations.get(operationId)!; // latencyBudgets() checked that budgets and baselines exist
  const { method, path, scopes } = operationRequest(op.method, op.path);
  const headers: Record<string, string> = scopes.length ? { authorization: `Bearer ${await ctx.token(...scopes)}` } : {};
  return { label: `${method} ${path}`, request: { url: ctx.url(path), method: 'GET', headers } };
}

afterAll(() => writePerf('perf-rest', 'perf: REST latency under load', ctx, startedAt, load, results));

describe('perf: REST latency budgets', () => {
  for (const budget of budgets) {
    const what = [budget.limits.p95Ms !== undefined ? `p95 ≤ ${budget.limits.p95Ms} ms` : '', budget.limits.p99Ms !== undefined ? `p99 ≤ ${budget.limits.p99Ms} ms` : '', budget.baseline ? `p95 ≤ ${budget.baseline}'s + ${budget.limits.overheadMs} ms` : '']
      .filter(Boolean)
      .join(', ');
    it(`${budget.id}: ${what} (${budget.source})`, async () => {
      const { label, request } = await requestOf(budget.id);
      let result;
      let measurement;
      if (budget.baseline) {
        const pair = await measurePair((await requestOf(budget.baseline)).request, request, load);
        measurement = pair.subject;
        result = judge(budget, label, measurement, { id: budget.baseline, measurement: pair.baseline });
      } else {
        measurement = await measureLoad(request, load);
        result = judge(budget, label, measurement);
      }
      results.push(result);
      if (result.verdict === 'fail') throw new Error(violationMessage(result, measurement));
    });
  }
});
