import { parseFaults, type StackOptions, type StackTarget } from '@cleanapp/reference-stack';
import { describe, expect, it } from 'vitest';
import { smokeAgainstStack } from './run.js';

// The contracts suite's GraphQL drift checks: they pass against the healthy reference stack and fail
// with a drift report naming the field when a subgraph or the gateway serves an older contract.

/** Runs the contracts suite against a fresh stack started with `options`, its target file rewritten by `targetOf`. */
const contractsSuite = (options: StackOptions, targetOf?: (target: StackTarget) => object) =>
  smokeAgainstStack(options, 'contracts', targetOf && ((stack) => targetOf(stack.target)));

const GATEWAY_CHECK = /GraphQL > the gateway's introspected schema does not drift/;
const SUBGRAPH_CHECK = (name: string) => new RegExp(`GraphQL > subgraph ${name}: its _service \\{ sdl \\} does not drift`);

describe('the contracts suite against GraphQL drift', () => {
  it('passes against the healthy stack, with the gateway and both subgraphs checked', async () => {
    const { code, output } = await contractsSuite({});
    expect(code, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/smoke: [1-9]\d* passed, 0 failed/);
    for (const check of [GATEWAY_CHECK, SUBGRAPH_CHECK('reports'), SUBGRAPH_CHECK('analysis')]) expect(output).toMatch(check);
    expect(output).not.toMatch(/GraphQL \(skipped/);
  }, 120_000);

  it.each([
    ['graphql-subgraph-outdated', SUBGRAPH_CHECK('reports'), /contracts\/graphql\/reports\.graphql and the subgraph http:\/\/[^\s]+ \(_service \{ sdl \}\)/],
    ['graphql-gateway-outdated', GATEWAY_CHECK, /the canonical supergraph \(contracts\/generated\/supergraph\.graphql\) and the gateway http:\/\/[^\s]+ \(introspection\)/],
  ])('fails against %s with a drift report naming Report.seq', async (fault, check, between) => {
    const { code, output } = await contractsSuite({ faults: parseFaults(fault) });
    expect(code, output.slice(-3000)).toBe(1);
    expect(output).toMatch(/smoke: \d+ passed, [1-9]\d* failed/);
    expect(output).toMatch(check);
    expect(output).toMatch(between);
    expect(output).toMatch(/Field 'seq' was removed from object type 'Report'/);
    expect(output).toMatch(/Report\.seq/);
  }, 120_000);

  it('fails naming a subgraph of the target that is not a canonical one', async () => {
    const { code, output } = await contractsSuite({}, (t) => ({ ...t, graphql: { ...t.graphql, subgraphs: { ...t.graphql.subgraphs, billing: t.graphql.subgraphs!.reports } } }));
    expect(code, output.slice(-3000)).toBe(1);
    expect(output).toMatch(/graphql\.subgraphs of the target names "billing", which is not a canonical subgraph \(contracts\/graphql has: analysis, reports\)/);
  }, 120_000);

  it('skips the subgraph checks visibly for a target that names no subgraphs, and still checks the gateway', async () => {
    const { code, output } = await contractsSuite({}, (t) => ({ ...t, graphql: { url: t.graphql.url } }));
    expect(code, output.slice(-3000)).toBe(0);
    expect(output).toMatch(GATEWAY_CHECK);
    expect(output).toMatch(/skipped: the target names no graphql\.subgraphs/);
    expect(output).not.toMatch(SUBGRAPH_CHECK('reports'));
  }, 120_000);
});
