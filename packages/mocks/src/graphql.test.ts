// (3) The GraphQL handlers answer @cleanapp/graphql-client's typed documents with the REST examples in GraphQL shape.
import { createGraphqlClient, GraphqlRequestError, ReportByIdDocument, ReportsNearDocument } from '@cleanapp/graphql-client';
import { buildSchema, graphql as execute, parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createGraphqlHandlers, graphqlExamples } from './graphql.js';
import { responseExamples } from './generated/fixtures.js';

const URL = 'http://api.mock.cleanapp.test/graphql';
const server = setupServer(...createGraphqlHandlers({ url: URL }));
const client = createGraphqlClient({ url: URL, token: 'test-token' });
const schema = buildSchema(readFileSync(createRequire(import.meta.url).resolve('@cleanapp/graphql-client/schema.graphql'), 'utf8'));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('GraphQL handlers', () => {
  it('ReportById answers the getReport example in GraphQL shape (camelCase, upper-case enums), typed', async () => {
    const rest = responseExamples.getReport[200].body;
    const data = await client.request(ReportByIdDocument, { publicId: rest.public_id });
    expectTypeOf(data.report!.lane).toEqualTypeOf<'PUBLISH' | 'QUARANTINE'>();
    expect(data.report).toMatchObject({
      publicId: rest.public_id,
      seq: rest.seq,
      lane: 'PUBLISH',
      status: 'QUEUED',
      reportedAt: rest.reported_at,
      createdAt: rest.created_at,
      analysis: null,
    });
  });

  it('ReportsNear answers the listReportsNear example as a connection, analysis mapped', async () => {
    const data = await client.request(ReportsNearDocument, { latitude: 52.52, longitude: 13.405, radiusMeters: 500 });
    expect(data.reportsNear.edges).toHaveLength(responseExamples.listReportsNear[200].body.items.length);
    expect(data.reportsNear.edges[0]!.node.analysis).toEqual({
      classification: 'LITTER',
      severityLevel: 0.5,
      brandName: null,
      summary: 'Litter: cans, plastic, bin',
      analysedAt: '2026-11-22T10:00:01.000Z',
    });
    expect(data.reportsNear.pageInfo.hasNextPage).toBe(false);
  });

  it('the mocked results are valid results of the public schema for the documents', async () => {
    // Execute the real documents against the client-facing schema with the mocked data as root values.
    const examples = graphqlExamples();
    for (const [document, root, variables] of [
      [ReportByIdDocument, examples.ReportById, { publicId: 'rpt_8Zq3nV1kT0aB' }],
      [ReportsNearDocument, examples.ReportsNear, { latitude: 1, longitude: 2, radiusMeters: 3 }],
    ] as const) {
      expect(validate(schema, parse(String(document)))).toEqual([]);
      const result = await execute({ schema, source: String(document), rootValue: root, variableValues: variables });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual(root);
    }
  });

  it('answers exactly the selection (aliases, __typename) and rejects a document the schema does not know', async () => {
    const post = (query: string, variables: Record<string, unknown>) =>
      fetch(URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
    expect(await post('query ReportById($id: ID!) { r: report(publicId: $id) { __typename publicId status } }', { id: 'x' })).toEqual({
      data: { r: { __typename: 'Report', publicId: 'rpt_8Zq3nV1kT0aB', status: 'QUEUED' } },
    });
    const invalid = (await post('query ReportById($id: ID!) { report(publicId: $id) { notAField } }', { id: 'x' })) as { errors: { message: string }[] };
    expect(invalid.errors[0]!.message).toMatch(/notAField/);
  });

  it('overrides: fixed data, a function of the variables, GraphQL errors; X-Request-ID echoed', async () => {
    server.use(...createGraphqlHandlers({ url: URL, overrides: { ReportById: { report: null } } }));
    expect(await client.request(ReportByIdDocument, { publicId: 'rpt_000000000000' })).toEqual({ report: null });

    server.use(
      ...createGraphqlHandlers({
        url: URL,
        overrides: { ReportById: ({ variables, example }) => ({ report: { ...example.report!, publicId: String(variables.publicId), lane: 'QUARANTINE' } }) },
      }),
    );
    const data = await client.request(ReportByIdDocument, { publicId: 'rpt_BBBBBBBBBBBB' });
    expect(data.report).toMatchObject({ publicId: 'rpt_BBBBBBBBBBBB', lane: 'QUARANTINE' });

    server.use(...createGraphqlHandlers({ url: URL, overrides: { ReportById: { errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }] } } }));
    const error = await client.request(ReportByIdDocument, { publicId: 'rpt_000000000000' }, { headers: { 'x-request-id': 'gql-err-1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlRequestError);
    expect((error as GraphqlRequestError).code).toBe('UNAUTHENTICATED');
    expect((error as GraphqlRequestError).requestId).toBe('gql-err-1');
  });
});
