// GraphQL gateway + subgraphs over a real database and a real token issuer (JWKS over HTTP).
// Rows are inserted directly, so the test controls coordinates, lanes and analyses exactly.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createGraphqlClient, GraphqlRequestError, ReportByIdDocument, ReportsNearDocument } from '@cleanapp/graphql-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuerApp } from '../auth/issuer.js';
import { KeyRing } from '../auth/keys.js';
import { TokenVerifier } from '../auth/verify.js';
import { dropSchema, openDatabase, type Database } from '../store/db.js';
import { startGraphql, type RunningGraphql } from './server.js';
import { MAX_PAGE_SIZE } from './reports.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `gql_test_${randomBytes(4).toString('hex')}`;
const CENTER = { latitude: 52.52, longitude: 13.405 };
/** ~111.2 m per 0.001° of latitude. */
const north = (metres: number) => CENTER.latitude + metres / 111_195;

let db: Database;
let issuer: ServerType;
let issuerUrl: string;
let gql: RunningGraphql;
const secret = randomBytes(16).toString('hex');
const tokens: Record<'reader' | 'submitter', string> = { reader: '', submitter: '' };

async function insertReport(r: { publicId: string; latitude: number; longitude?: number; lane?: 'publish' | 'quarantine'; status?: string; analysis?: object | null; title?: string }) {
  await db.query(
    `insert into reports (public_id, receipt_id, client_id, source_id, content_hash, lane, status, latitude, longitude, title, description, tags, reported_at, synthetic, analysis)
     values ($1, $2, 'gql-test', $1, $1, $3, $4, $5, $6, $7, 'desc', $8, '2026-11-01T10:00:00Z', true, $9)`,
    [r.publicId, `rcp_${r.publicId}`, r.lane ?? 'publish', r.status ?? 'rendered', r.latitude, r.longitude ?? CENTER.longitude, r.title ?? `Report ${r.publicId}`, JSON.stringify(['bin', 'street']), r.analysis ? JSON.stringify(r.analysis) : null],
  );
}

async function tokenFor(clientId: string): Promise<string> {
  const res = await fetch(`${issuerUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

interface GqlBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token: string | null = tokens.reader, url = gql.url) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlBody<T> };
}

const ANALYSIS = { classification: 'litter', severity_level: 0.7, brand_name: 'Acme', summary: 'A bin overflows', analysed_at: '2026-11-01T10:00:05Z', provider: 'rules' };
const p = (n: number) => `rpt_gqltest${schema.slice(-8)}${n}`;

beforeAll(async () => {
  db = await openDatabase(databaseUrl, schema);
  const keys = await KeyRing.create();
  const audience = 'cleanapp-api';
  // Bind first, mount afterwards: the issuer's own URL is its `iss` claim (as in stack.ts).
  let app: ReturnType<typeof createIssuerApp> | undefined;
  await new Promise<void>((resolve) => {
    issuer = serve({ fetch: (req) => (app ? app.fetch(req) : new Response('starting', { status: 503 })), hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      issuerUrl = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
  app = createIssuerApp({
    issuer: issuerUrl,
    audience,
    keys,
    clients: [
      { clientId: 'reader', clientSecret: secret, scopes: ['report:read'] },
      { clientId: 'submitter', clientSecret: secret, scopes: ['report:submit'] },
    ],
  });
  const verifier = new TokenVerifier({ issuer: issuerUrl, audience, jwksUrl: `${issuerUrl}/.well-known/jwks.json` });
  gql = await startGraphql({ host: '127.0.0.1', db, verifier, corsOrigins: ['http://localhost:5173'] });
  tokens.reader = await tokenFor('reader');
  tokens.submitter = await tokenFor('submitter');

  // Published reports north of the centre at 100..500 m (two share 300 m: the tie is broken by seq),
  // a quarantined one at 50 m, and one 5 km away.
  await insertReport({ publicId: p(1), latitude: north(100), analysis: ANALYSIS });
  await insertReport({ publicId: p(2), latitude: north(200), status: 'queued' });
  await insertReport({ publicId: p(3), latitude: north(300) });
  await insertReport({ publicId: p(4), latitude: north(300) });
  await insertReport({ publicId: p(5), latitude: north(500) });
  await insertReport({ publicId: p(6), latitude: north(50), lane: 'quarantine', analysis: ANALYSIS });
  await insertReport({ publicId: p(7), latitude: north(5_000) });
});

afterAll(async () => {
  await gql?.close();
  await new Promise<void>((resolve) => (issuer ? issuer.close(() => resolve()) : resolve()));
  await db?.close();
  await dropSchema(databaseUrl, schema);
});

const REPORT_BY_ID = /* GraphQL */ `
  query ReportById($publicId: ID!) {
    report(publicId: $publicId) {
      publicId seq lane status latitude longitude title description tags reportedAt createdAt synthetic
      analysis { classification severityLevel brandName summary analysedAt }
    }
  }`;

const NEAR = /* GraphQL */ `
  query Near($latitude: Float!, $longitude: Float!, $radiusMeters: Float!, $first: Int, $after: String) {
    reportsNear(latitude: $latitude, longitude: $longitude, radiusMeters: $radiusMeters, first: $first, after: $after) {
      edges { cursor node { publicId latitude analysis { classification } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

describe('GraphQL gateway over the reports and analysis subgraphs', () => {
  it('returns a report by id with its analysis (a plan across both subgraphs)', async () => {
    const { status, headers, body } = await post(REPORT_BY_ID, { publicId: p(1) });
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(body.errors).toBeUndefined();
    expect(body.data?.report).toMatchObject({
      publicId: p(1),
      lane: 'PUBLISH',
      status: 'RENDERED',
      latitude: north(100),
      longitude: CENTER.longitude,
      title: `Report ${p(1)}`,
      description: 'desc',
      tags: ['bin', 'street'],
      reportedAt: '2026-11-01T10:00:00.000Z',
      synthetic: true,
      analysis: { classification: 'LITTER', severityLevel: 0.7, brandName: 'Acme', summary: 'A bin overflows', analysedAt: '2026-11-01T10:00:05.000Z' },
    });
    expect(body.data?.report.seq).toBeGreaterThan(0);
    expect(new Date(body.data?.report.createdAt).toISOString()).toBe(body.data?.report.createdAt);
  });

  it('returns analysis null for a report the analyzer has not classified yet', async () => {
    const { body } = await post(REPORT_BY_ID, { publicId: p(2) });
    expect(body.errors).toBeUndefined();
    expect(body.data?.report).toMatchObject({ publicId: p(2), status: 'QUEUED', analysis: null });
  });

  it('returns null for a quarantined report and for an unknown id', async () => {
    for (const publicId of [p(6), 'rpt_does_not_exist']) {
      const { status, body } = await post(REPORT_BY_ID, { publicId });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ report: null });
    }
  });

  it('does not resolve a quarantined report as an entity in either subgraph', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Report { publicId } } }`;
    for (const url of Object.values(gql.subgraphs)) {
      const { status, body } = await post(query, { r: [{ __typename: 'Report', publicId: p(6) }, { __typename: 'Report', publicId: p(1) }] }, tokens.reader, url);
      expect(status).toBe(200);
      expect(body.data).toEqual({ _entities: [null, { publicId: p(1) }] });
    }
  });

  it('pages reportsNear nearest first with opaque cursors, without duplicates or gaps', async () => {
    const vars = { ...CENTER, radiusMeters: 1_000, first: 2 };
    const seen: string[] = [];
    let after: string | null = null;
    const pages: { hasNextPage: boolean; endCursor: string | null }[] = [];
    for (let i = 0; i < 5; i++) {
      type Page = { reportsNear: { edges: { cursor: string; node: { publicId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      const res: { status: number; body: GqlBody<Page> } = await post<Page>(NEAR, { ...vars, after });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      const conn: Page['reportsNear'] = res.body.data!.reportsNear;
      seen.push(...conn.edges.map((e) => e.node.publicId));
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      pages.push(conn.pageInfo);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // 5 published within 1 km; the quarantined (50 m) and the far one (5 km) are not there.
    expect(seen).toEqual([p(1), p(2), p(3), p(4), p(5)]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages.map((pg) => pg.hasNextPage)).toEqual([true, true, false]);
  });

  it('plans analysis for every node of a reportsNear page', async () => {
    const { body } = await post(NEAR, { ...CENTER, radiusMeters: 250, first: 10 });
    expect(body.errors).toBeUndefined();
    expect(body.data?.reportsNear.edges.map((e: any) => [e.node.publicId, e.node.analysis])).toEqual([
      [p(1), { classification: 'LITTER' }],
      [p(2), null],
    ]);
    expect(body.data?.reportsNear.pageInfo).toEqual({ hasNextPage: false, endCursor: body.data?.reportsNear.edges[1].cursor });
  });

  it('caps first at the maximum page size and rejects a negative one', async () => {
    const big = await post(NEAR, { ...CENTER, radiusMeters: 10_000, first: 10_000 });
    expect(big.body.errors).toBeUndefined();
    expect(big.body.data?.reportsNear.edges.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    const negative = await post(NEAR, { ...CENTER, radiusMeters: 10_000, first: -1 });
    expect(negative.status).toBeLessThan(500);
    expect(negative.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a bad cursor with a GraphQL error, not a 5xx', async () => {
    for (const after of ['not-a-cursor', 'eyJ2IjoxfQ', '!!!']) {
      const { status, body } = await post(NEAR, { ...CENTER, radiusMeters: 1_000, after });
      expect(status).toBe(200);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('cursor'), extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('answers bad coordinates with a GraphQL error', async () => {
    const { status, body } = await post(NEAR, { latitude: 91, longitude: 0, radiusMeters: 10 });
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses non-finite numbers (1e400) as a validation error in the gateway and the subgraphs, never reaching a resolver', async () => {
    const near = (args: string) => `{ reportsNear(${args}) { edges { node { publicId } } } }`;
    for (const url of [gql.url, gql.subgraphs.reports!]) {
      for (const args of ['latitude: 1e400, longitude: 0, radiusMeters: 10', 'latitude: 0, longitude: -1e400, radiusMeters: 10', `latitude: 0, longitude: 0, radiusMeters: 1${'0'.repeat(400)}`]) {
        const { status, body } = await post(near(args), {}, tokens.reader, url);
        expect(status, `${url} ${args}`).toBe(400);
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.[0]?.message).toMatch(/is not a finite number/);
      }
    }
    // JSON variables: JSON.parse gives Infinity, which graphql-js refuses on its own.
    const variable = await fetch(gql.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.reader}` },
      body: `{"query":${JSON.stringify(NEAR)},"variables":{"latitude":1e400,"longitude":0,"radiusMeters":10}}`,
    });
    expect(variable.status).toBeLessThan(500);
    expect(JSON.stringify(await variable.json())).toMatch(/non-numeric value: Infinity|not a finite|Float cannot represent/);
    const control = await post(near('latitude: 52.52, longitude: 13.405, radiusMeters: 1e3'));
    expect(control.status).toBe(200);
    expect(control.body.errors).toBeUndefined();
  });

  it('rejects a request without a token with 401 and a GraphQL error body', async () => {
    const { status, headers, body } = await post(REPORT_BY_ID, { publicId: p(1) }, null);
    expect(status).toBe(401);
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body).toMatchObject({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(body.data).toBeUndefined();
  });

  it('rejects an invalid token with 401', async () => {
    const { status, body } = await post(REPORT_BY_ID, { publicId: p(1) }, `${tokens.reader.slice(0, -4)}AAAA`);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a token without report:read with 403', async () => {
    const { status, body } = await post(REPORT_BY_ID, { publicId: p(1) }, tokens.submitter);
    expect(status).toBe(403);
    expect(body).toMatchObject({ errors: [{ message: expect.stringContaining('report:read'), extensions: { code: 'FORBIDDEN' } }] });
  });

  it('puts the subgraphs behind the same JWT', async () => {
    for (const url of Object.values(gql.subgraphs)) {
      expect((await post('{ _service { sdl } }', {}, null, url)).status).toBe(401);
      const { body } = await post('{ _service { sdl } }', {}, tokens.reader, url);
      expect(body.data?._service.sdl).toContain('@key(fields: "publicId")');
    }
  });

  it('echoes a well-formed X-Request-ID', async () => {
    const res = await fetch(gql.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.reader}`, 'x-request-id': 'gql-test-42' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('gql-test-42');
  });

  it('answers CORS for the configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(gql.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a database failure with a masked GraphQL error and partial data, not a 5xx', async () => {
    const verifier = { authorize: async () => ({ ok: true as const }) };
    // The analysis subgraph's reads fail; the reports subgraph still answers.
    const failing = { query: (sql: string, params?: unknown[]) => (sql.includes('analysis from reports') ? Promise.reject(new Error('connection reset: secret-dsn')) : db.query(sql, params)) } as Database;
    const broken = await startGraphql({ db: failing, verifier });
    try {
      const { status, body } = await post(REPORT_BY_ID, { publicId: p(1) }, null, broken.url);
      expect(status).toBe(200);
      expect(body.data?.report).toMatchObject({ publicId: p(1), analysis: null });
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body.errors)).not.toContain('secret-dsn');
    } finally {
      await broken.close();
    }
  });

  it('gives up on a slow subgraph after the timeout, with a GraphQL error and the other subgraph\'s data', async () => {
    const verifier = { authorize: async () => ({ ok: true as const }) };
    const slow = { query: async (sql: string, params?: unknown[]) => (sql.includes('analysis from reports') ? new Promise<never>(() => undefined) : db.query(sql, params)) } as Database;
    const broken = await startGraphql({ db: slow, verifier, subgraphTimeoutMs: 300 });
    try {
      const started = Date.now();
      const { status, body } = await post(REPORT_BY_ID, { publicId: p(1) }, null, broken.url);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(status).toBe(200);
      expect(body.data?.report).toMatchObject({ publicId: p(1), analysis: null });
      expect(body.errors?.length).toBeGreaterThan(0);
    } finally {
      await broken.close();
    }
  });

  it('answers malformed and invalid queries with a 400 GraphQL error, never a 5xx', async () => {
    const syntax = await post('{ report(publicId: ', {});
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    const internal = await post('{ _service { sdl } }', {});
    expect(internal.status).toBe(400); // the gateway serves the API schema only, no federation internals
    const invalid = await post('{ report(publicId: "x") { noSuchField } }', {});
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.message).toMatch(/noSuchField/);
    const wrongVariable = await post(REPORT_BY_ID, { publicId: 42.5 });
    expect(wrongVariable.status).toBeLessThan(500);
    expect(wrongVariable.body.errors?.length).toBeGreaterThan(0);
    const notJson = await fetch(gql.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.reader}` }, body: '{"query":' });
    expect(notJson.status).toBe(400);
  });
});

describe('@cleanapp/graphql-client against the gateway', () => {
  it('runs the canonical operations with typed results', async () => {
    const client = createGraphqlClient({ url: gql.url, token: () => tokens.reader });
    const { report } = await client.request(ReportByIdDocument, { publicId: p(1) });
    expect(report?.analysis?.classification).toBe('LITTER');
    expect(report?.tags).toEqual(['bin', 'street']);
    const first = await client.request(ReportsNearDocument, { ...CENTER, radiusMeters: 1_000, first: 3 });
    const next = await client.request(ReportsNearDocument, { ...CENTER, radiusMeters: 1_000, first: 3, after: first.reportsNear.pageInfo.endCursor });
    expect([...first.reportsNear.edges, ...next.reportsNear.edges].map((e) => e.node.publicId)).toEqual([p(1), p(2), p(3), p(4), p(5)]);
    expect([first.reportsNear.pageInfo.hasNextPage, next.reportsNear.pageInfo.hasNextPage]).toEqual([true, false]);
  });

  it('throws typed errors for a bad cursor and a missing token', async () => {
    const client = createGraphqlClient({ url: gql.url, token: tokens.reader, requestId: () => 'client-rid' });
    const badCursor = await client.request(ReportsNearDocument, { ...CENTER, radiusMeters: 1_000, after: 'zzz' }).catch((e: unknown) => e);
    expect(badCursor).toBeInstanceOf(GraphqlRequestError);
    expect([(badCursor as GraphqlRequestError).code, (badCursor as GraphqlRequestError).requestId]).toEqual(['BAD_USER_INPUT', 'client-rid']);
    const anonymous = await createGraphqlClient({ url: gql.url }).request(ReportByIdDocument, { publicId: p(1) }).catch((e: unknown) => e);
    expect([(anonymous as GraphqlRequestError).status, (anonymous as GraphqlRequestError).code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
