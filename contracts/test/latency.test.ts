import { describe, expect, it } from 'vitest';
import { latencyBudgets, latencyShapeProblems, loadOpenApi, subgraphOwningQueryField, type OpenApiDocument } from '../src/index.js';

/** A bundled document with one public and one protected GET, and whatever extensions a test gives them. */
function doc(health: Record<string, unknown>, stats: Record<string, unknown>, root?: unknown): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/health': { get: { operationId: 'getHealth', security: [], ...health } },
      '/stats': { $ref: '#/components/pathItems/stats' },
    },
    components: { pathItems: { stats: { get: { operationId: 'getStats', security: [{ auth: ['report:read'] }], ...stats } } } },
    ...(root === undefined ? {} : { 'x-cleanapp-latency': root }),
  };
}

describe('latencyBudgets (x-cleanapp-latency)', () => {
  it('reads the canonical contract: getHealth p95, the protected operations as overhead over it, the GraphQL gateway overhead', () => {
    expect(latencyBudgets(loadOpenApi())).toEqual([
      { id: 'getHealth', kind: 'rest', limits: { p95Ms: 100 }, operation: { method: 'GET', path: '/api/v4/health', public: true } },
      { id: 'listReportsNear', kind: 'rest', limits: { overheadMs: 50 }, baseline: 'getHealth', operation: { method: 'GET', path: '/api/v4/reports/near', public: false } },
      { id: 'getStats', kind: 'rest', limits: { overheadMs: 50 }, baseline: 'getHealth', operation: { method: 'GET', path: '/api/v4/stats', public: false } },
      { id: 'graphql', kind: 'graphql', limits: { overheadMs: 10 } },
    ]);
  });

  it('follows $ref path items and separates the baseline from the limits', () => {
    const specs = latencyBudgets(doc({ 'x-cleanapp-latency': { p95Ms: 80, p99Ms: 200 } }, { 'x-cleanapp-latency': { overheadMs: 5, baseline: 'getHealth', maxErrorRate: 0.01 } }));
    expect(specs.map((s) => [s.id, s.limits, s.baseline])).toEqual([
      ['getHealth', { p95Ms: 80, p99Ms: 200 }, undefined],
      ['getStats', { overheadMs: 5, maxErrorRate: 0.01 }, 'getHealth'],
    ]);
  });

  it('throws naming the operation and the key for a malformed budget, an unknown or protected baseline, an unknown root id', () => {
    expect(() => latencyBudgets(doc({ 'x-cleanapp-latency': { p95Ms: '100' } }, {}))).toThrow('GET /health (getHealth): invalid x-cleanapp-latency: p95Ms: `p95Ms` must be a finite number of milliseconds.');
    expect(() => latencyBudgets(doc({}, { 'x-cleanapp-latency': { overheadMs: 5, baseline: 'getHealthz' } }))).toThrow('GET /stats (getStats): invalid x-cleanapp-latency: baseline: no operation `getHealthz` in the contract.');
    expect(() => latencyBudgets(doc({ 'x-cleanapp-latency': { overheadMs: 5, baseline: 'getStats' } }, {}))).toThrow('baseline: `getStats` is not public (security: []).');
    expect(() => latencyBudgets(doc({}, {}, { gateway: { p95Ms: 5 } }))).toThrow('document root, gateway: invalid x-cleanapp-latency: gateway: unknown root budget id; known: graphql.');
    expect(() => latencyBudgets(doc({}, {}, [1]))).toThrow('document root: x-cleanapp-latency must map budget ids');
  });

  it('latencyShapeProblems: overheadMs may be 0, limits must be finite, an empty budget limits nothing', () => {
    expect(latencyShapeProblems({ overheadMs: 0 }, 'root')).toEqual([]);
    expect(latencyShapeProblems({ p99Ms: Number.POSITIVE_INFINITY }, 'root').map((p) => p.key)).toEqual(['p99Ms']);
    expect(latencyShapeProblems({}, 'root')).toEqual([{ key: '', message: 'A latency budget needs at least one of p95Ms, p99Ms, overheadMs.' }]);
    expect(latencyShapeProblems({ overheadMs: 1 }, 'operation')).toEqual([{ key: 'overheadMs', message: '`overheadMs` needs a `baseline`: the public operation it is compared with.' }]);
  });

  it('subgraphOwningQueryField: the canonical subgraph that resolves a root query field (type or extension), none for an unknown field', () => {
    expect(subgraphOwningQueryField('reportsNear')).toBe('reports');
    expect(subgraphOwningQueryField('report')).toBe('reports');
    expect(subgraphOwningQueryField('nope')).toBeUndefined();
    const subgraphs = [
      { name: 'a', file: 'a.graphql', typeDefs: 'type Query { x: Int }' },
      { name: 'b', file: 'b.graphql', typeDefs: 'extend type Query { y: Int }' },
    ];
    expect(subgraphOwningQueryField('y', subgraphs)).toBe('b');
  });
});
