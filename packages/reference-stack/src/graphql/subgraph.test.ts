import { readFileSync } from 'node:fs';
import { composeSupergraph, contractPaths } from '@cleanapp/contracts';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../store/db.js';
import { buildAnalysisSchema } from './analysis.js';
import { buildReportsSchema } from './reports.js';

// A database that answers every query with no rows and records what was asked.
const emptyDb = (): Queryable & { calls: { sql: string; params?: unknown[] }[] } => {
  const calls: { sql: string; params?: unknown[] }[] = [];
  return { calls, query: async (sql: string, params?: unknown[]) => (calls.push({ sql, params }), { rows: [] }) } as never;
};

const run = async (schema: GraphQLSchema, query: string, variableValues?: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), variableValues })));

describe('GraphQL subgraphs', () => {
  it('serve exactly the committed SDL, which composes into the committed supergraph', async () => {
    const sdls: { name: string; file: string; typeDefs: string }[] = [];
    for (const [name, schema] of [['analysis', buildAnalysisSchema(emptyDb())], ['reports', buildReportsSchema(emptyDb())]] as const) {
      const { data } = await run(schema, '{ _service { sdl } }');
      expect(data._service.sdl).toBe(readFileSync(`${contractPaths.subgraphs}${name}.graphql`, 'utf8'));
      sdls.push({ name, file: `${name}.graphql`, typeDefs: data._service.sdl });
    }
    expect(composeSupergraph(sdls).trim()).toBe(readFileSync(contractPaths.supergraph, 'utf8').trim());
  });

  it('resolve Report entities in one query per request, null where not visible', async () => {
    const db = emptyDb();
    const { data } = await run(buildReportsSchema(db), 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Report { publicId } } }', {
      r: [{ __typename: 'Report', publicId: 'a' }, { __typename: 'Report', publicId: 'b' }],
    });
    expect(data._entities).toEqual([null, null]);
    expect(db.calls).toHaveLength(1);
    expect(db.calls[0]!.sql).toContain("lane = 'publish'");
    expect(db.calls[0]!.params).toEqual([['a', 'b']]);
  });

  it('rejects representations of unknown types as bad input', async () => {
    const result = await run(buildAnalysisSchema(emptyDb()), 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Nope', id: 1 }] });
    expect(result.errors[0]).toMatchObject({ message: expect.stringContaining('Nope'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('validate reportsNear arguments before touching the database', async () => {
    const db = emptyDb();
    const schema = buildReportsSchema(db);
    const near = (args: string) => run(schema, `{ reportsNear(${args}) { edges { cursor } } }`);
    for (const [args, argument] of [
      ['latitude: 91, longitude: 0, radiusMeters: 1', 'latitude'],
      ['latitude: 0, longitude: -181, radiusMeters: 1', 'longitude'],
      ['latitude: 0, longitude: 0, radiusMeters: 0', 'radiusMeters'],
      ['latitude: 0, longitude: 0, radiusMeters: 1, first: -1', 'first'],
      ['latitude: 0, longitude: 0, radiusMeters: 1, after: "x"', 'after'],
      ['latitude: 0, longitude: 0, radiusMeters: 1, after: ""', 'after'],
    ] as const) {
      const result = await near(args);
      expect(result.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: argument });
    }
    expect(db.calls).toHaveLength(0);
    await near('latitude: 0, longitude: 0, radiusMeters: 1e12, first: 1000');
    expect(db.calls[0]!.params?.slice(2)).toEqual([20_037_509, 101]); // radius and page size capped
  });
});
