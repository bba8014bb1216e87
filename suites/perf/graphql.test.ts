import { subgraphOwningQueryField, latencyBudgets } from '@cleanapp/contracts';
import { canonicalOpenApi, suiteContext, type LatencyResult } from '@cleanapp/smoke-kit';
import { judge, loadSettings, measurePair, resolveBudgets, violationMessage, writePerf, type LoadRequest } from '@cleanapp/smoke-kit/perf';
import { afterAll, describe, it } from 'vitest';

/**
 * The `graphql` budget: the gateway's p95 for a query over the p95 of the same query sent to the
 * subgraph that owns it (target `graphql.subgraphs`), measured in alternating rounds. The query selects only
 * fields of that subgraph (the canonical ReportsNear document also selects `analysis`, which the
 * `reports` subgraph alone cannot answer), so both answer the same thing and the difference is the
 * gateway: its JWT check, query planning and the hop.
 */
const ctx = suiteContext();
const load = loadSettings(ctx.target.latency);
const budget = resolveBudgets(latencyBudgets(canonicalOpenApi()), ctx.target.latency).find((b) => b.id === 'graphql');
const ROOT_FIELD = 'reportsNear';
const owner = subgraphOwningQueryField(ROOT_FIELD);
const gateway = ctx.target.graphql?.url;
const subgraph = owner ? ctx.target.graphql?.subgraphs?.[owner] : undefined;
const QUERY = `query PerfReportsNear($latitude: Float!, $longitude: Float!, $radiusMeters: Float!) {
  reportsNear(latitude: $latitude, longitude: $longitude, radiusMeters: $radiusMeters, first: 10) { edges { cursor node { publicId seq title latitude longitude } } pageInfo { hasNextPage endCursor } }
}`;
const body = JSON.stringify({ query: QUERY, variables: { latitude: 52.52, longitude: 13.405, radiusMeters: 1000 } });
const startedAt = new Date().toISOString();
const results: LatencyResult[] = [];

const skipReason = !budget
  ? 'the contract has no graphql budget'
  : !gateway
    ? 'the target has no graphql.url'
    : !subgraph
      ? `the target's graphql.subgraphs has no \`${owner}\` (the subgraph owning Query.${ROOT_FIELD}) to compare the gateway with`
      : undefined;

/** One request first: a refused query fails with what the endpoint said, not as a 100 % error rate. */
async function request(url: string): Promise<LoadRequest> {
  const headers = { authorization: `Bearer ${await ctx.token('report:read')}`, 'content-type': 'application/json' };
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok || /"errors"\s*:/.test(text)) throw new Error(`POST ${url} ${ROOT_FIELD}: ${res.status} ${text.slice(0, 500)}`);
  return { url, method: 'POST', headers, body, verifyBody: (b) => !/"errors"\s*:/.test(b) };
}

afterAll(() => writePerf('perf-graphql', 'perf: GraphQL gateway overhead under load', ctx, startedAt, load, results));

describe('perf: GraphQL latency budget', () => {
  const name = budget ? `graphql: gateway p95 ≤ subgraph ${owner}'s + ${budget.limits.overheadMs} ms (${budget.source})` : 'graphql';
  it.skipIf(skipReason !== undefined)(skipReason ? `${name} — skipped: ${skipReason}` : name, async () => {
    const { baseline: direct, subject: measurement } = await measurePair(await request(subgraph!), await request(gateway!), load);
    const result = judge(budget!, `POST ${gateway} ${ROOT_FIELD}`, measurement, { id: `subgraph ${owner}`, measurement: direct });
    results.push(result);
    if (result.verdict === 'fail') throw new Error(violationMessage(result, measurement));
  });
});
