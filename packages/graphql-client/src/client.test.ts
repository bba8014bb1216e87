import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  clientCredentialsTokenSource,
  createGraphqlClient,
  GraphqlRequestError,
  ReportByIdDocument,
  ReportsNearDocument,
  typedDocument,
  type ReportByIdQuery,
  type ReportsNearQuery,
} from './index.js';

// A local GraphQL-over-HTTP endpoint whose answer each test chooses.
interface Seen {
  headers: IncomingHttpHeaders;
  body: { query: string; operationName?: string; variables?: Record<string, unknown> };
}
let server: Server;
let url: string;
let seen: Seen[] = [];
let reply: (s: Seen) => { status?: number; body: string; headers?: Record<string, string> };

const REPORT = {
  publicId: 'rpt_1',
  seq: 7,
  lane: 'PUBLISH',
  status: 'RENDERED',
  latitude: 52.52,
  longitude: 13.405,
  title: 'Overflowing bin',
  description: '',
  tags: ['bin'],
  reportedAt: '2026-11-01T10:00:00.000Z',
  createdAt: '2026-11-01T10:00:01.000Z',
  synthetic: true,
  analysis: { classification: 'LITTER', severityLevel: 0.7, brandName: null, summary: 'A bin', analysedAt: '2026-11-01T10:00:05.000Z' },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const s: Seen = { headers: req.headers, body: JSON.parse(raw) as Seen['body'] };
      seen.push(s);
      const r = reply(s);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', 'x-request-id': String(req.headers['x-request-id'] ?? 'server-made'), ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  reply = () => ({ body: JSON.stringify({ data: { report: REPORT } }) });
});

describe('createGraphqlClient', () => {
  it('posts a typed document with its variables and returns typed data', async () => {
    const client = createGraphqlClient({ url, token: 'tok-1' });
    const data = await client.request(ReportByIdDocument, { publicId: 'rpt_1' });
    expectTypeOf(data).toEqualTypeOf<ReportByIdQuery>();
    expect(data.report?.analysis?.classification).toBe('LITTER');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.operationName).toBe('ReportById');
    expect(seen[0]!.body.variables).toEqual({ publicId: 'rpt_1' });
    expect(seen[0]!.body.query).toContain('fragment ReportFields on Report');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
  });

  it('sends the bearer token (string or provider, called per request) and a generated X-Request-ID', async () => {
    let n = 0;
    const client = createGraphqlClient({ url, token: async () => `tok-${++n}` });
    await client.request(ReportByIdDocument, { publicId: 'a' });
    await client.request(ReportByIdDocument, { publicId: 'b' });
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    const ids = seen.map((s) => s.headers['x-request-id']);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('keeps a caller-chosen Authorization and X-Request-ID, and sends none without a token', async () => {
    const client = createGraphqlClient({ url, token: 'client-token', requestId: () => 'fixed-id' });
    await client.request(ReportByIdDocument, { publicId: 'a' }, { headers: { Authorization: 'Bearer per-call', 'X-Request-ID': 'call-id' } });
    expect(seen[0]!.headers.authorization).toBe('Bearer per-call');
    expect(seen[0]!.headers['x-request-id']).toBe('call-id');
    await client.request(ReportByIdDocument, { publicId: 'a' });
    expect(seen[1]!.headers['x-request-id']).toBe('fixed-id');
    await createGraphqlClient({ url }).request(ReportByIdDocument, { publicId: 'a' });
    expect(seen[2]!.headers.authorization).toBeUndefined();
  });

  it('surfaces GraphQL errors (with partial data) as a GraphqlRequestError', async () => {
    reply = () => ({ body: JSON.stringify({ data: null, errors: [{ message: '"after" is not a cursor returned by this API', path: ['reportsNear'], extensions: { code: 'BAD_USER_INPUT' } }] }) });
    const client = createGraphqlClient({ url, token: 't' });
    const error = await client.request(ReportsNearDocument, { latitude: 1, longitude: 2, radiusMeters: 3, after: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlRequestError);
    const e = error as GraphqlRequestError;
    expect(e.kind).toBe('graphql');
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.status).toBe(200);
    expect(e.errors[0]!.path).toEqual(['reportsNear']);
    expect(e.message).toContain('is not a cursor');
    expect(e.requestId).toBe(seen[0]!.headers['x-request-id']);
  });

  it('surfaces 401/403 GraphQL-style bodies with their code and status', async () => {
    reply = () => ({ status: 403, body: JSON.stringify({ errors: [{ message: 'The token lacks a required scope (report:read)', extensions: { code: 'FORBIDDEN' } }] }) });
    const e = (await createGraphqlClient({ url, token: 't' }).request(ReportByIdDocument, { publicId: 'a' }).catch((x: unknown) => x)) as GraphqlRequestError;
    expect(e).toBeInstanceOf(GraphqlRequestError);
    expect([e.kind, e.status, e.code]).toEqual(['http', 403, 'FORBIDDEN']);
  });

  it('turns a non-GraphQL HTTP error and an unreachable server into GraphqlRequestErrors', async () => {
    reply = () => ({ status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } });
    const http = (await createGraphqlClient({ url }).request(ReportByIdDocument, { publicId: 'a' }).catch((x: unknown) => x)) as GraphqlRequestError;
    expect([http.kind, http.status, http.code]).toEqual(['http', 502, 'HTTP_ERROR']);
    expect(http.message).toContain('bad gateway');

    const down = createGraphqlClient({ url: 'http://127.0.0.1:9/graphql', requestId: () => 'rid' });
    const network = (await down.request(ReportByIdDocument, { publicId: 'a' }).catch((x: unknown) => x)) as GraphqlRequestError;
    expect([network.kind, network.status, network.code, network.requestId]).toEqual(['network', 0, 'NETWORK_ERROR', 'rid']);
    expect(network.cause).toBeDefined();
  });

  it('runs hand-written operations typed with typedDocument, and uses a custom fetch', async () => {
    reply = () => ({ body: JSON.stringify({ data: { reportsNear: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } }) });
    const calls: string[] = [];
    const client = createGraphqlClient({ url, fetch: (input, init) => (calls.push(String(input)), globalThis.fetch(input, init)) });
    const Mine = typedDocument<Pick<ReportsNearQuery, 'reportsNear'>, { lat: number }>(
      'query Mine($lat: Float!) { reportsNear(latitude: $lat, longitude: 0, radiusMeters: 10) { edges { cursor } pageInfo { hasNextPage endCursor } } }',
    );
    const data = await client.request(Mine, { lat: 1 });
    expect(data.reportsNear.pageInfo.hasNextPage).toBe(false);
    expect(seen[0]!.body.operationName).toBe('Mine');
    expect(calls).toEqual([url]);
    const NoVars = typedDocument<{ __typename: string }>('{ __typename }');
    reply = () => ({ body: JSON.stringify({ data: { __typename: 'Query' } }) });
    expect(await client.request(NoVars)).toEqual({ __typename: 'Query' });
    expect(seen[1]!.body.variables).toBeUndefined();
  });

  it('sends the pre-printed document text as it is shipped, with the operation name read from it', async () => {
    await createGraphqlClient({ url }).request(ReportsNearDocument, { latitude: 1, longitude: 2, radiusMeters: 3 });
    expect(seen[0]!.body.query).toBe(String(ReportsNearDocument));
    expect(seen[0]!.body.operationName).toBe('ReportsNear');
    // Two operations in one text: no single name to send, the server requires the caller to choose.
    const two = typedDocument<{ a: unknown }>('query A { __typename } query B { __typename }');
    reply = () => ({ body: JSON.stringify({ data: { a: 1 } }) });
    await createGraphqlClient({ url }).request(two);
    expect(seen[1]!.body.operationName).toBeUndefined();
  });

  it('sends graphql-js documents: their source text, or what `print` makes of a location-less AST', async () => {
    reply = () => ({ body: JSON.stringify({ data: { __typename: 'Query' } }) });
    const parsed = parse('query Parsed { __typename }');
    await createGraphqlClient({ url }).request(parsed);
    expect(seen[0]!.body).toMatchObject({ query: 'query Parsed { __typename }', operationName: 'Parsed' });

    // graphql-codegen's default documentMode emits ASTs as JSON, without `loc`.
    const bare = parse('query Bare { __typename }', { noLocation: true });
    const error = await createGraphqlClient({ url }).request(bare).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/Pass `print` from graphql/);
    expect(seen).toHaveLength(1);
    await createGraphqlClient({ url, print }).request(bare);
    expect(seen[1]!.body).toMatchObject({ query: 'query Bare {\n  __typename\n}', operationName: 'Bare' });
  });

  it('typedDocument refuses text that cannot be an operation', () => {
    expect(() => typedDocument('   ')).toThrow(/expects GraphQL operation text/);
    expect(String(typedDocument('{ __typename }'))).toBe('{ __typename }');
  });

  it("takes api-client's token sources (re-exported) as its token provider", async () => {
    const grants: string[] = [];
    const source = clientCredentialsTokenSource({ tokenUrl: 'https://auth.example/oauth/token', clientId: 'svc', clientSecret: 's' }, 'report:read', {
      fetch: async (_input, init) => {
        grants.push(String(init?.body));
        return new Response(JSON.stringify({ access_token: `cc-${grants.length}`, token_type: 'Bearer', expires_in: 900, scope: 'report:read' }), { headers: { 'content-type': 'application/json' } });
      },
    });
    const client = createGraphqlClient({ url, token: source });
    await client.request(ReportByIdDocument, { publicId: 'a' });
    await client.request(ReportByIdDocument, { publicId: 'b' });
    // One grant, cached until shortly before expiry, sent as the bearer token on both requests.
    expect(grants).toEqual(['grant_type=client_credentials&scope=report%3Aread']);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer cc-1', 'Bearer cc-1']);
  });

  it('type-checks variables against the operation', () => {
    const client = createGraphqlClient({ url });
    // Compile-time only: these calls are never made.
    const typed = () => {
      // @ts-expect-error publicId is required
      void client.request(ReportByIdDocument, {});
      // @ts-expect-error latitude must be a number
      void client.request(ReportsNearDocument, { latitude: 'north', longitude: 0, radiusMeters: 1 });
    };
    expect(typeof typed).toBe('function');
  });
});
