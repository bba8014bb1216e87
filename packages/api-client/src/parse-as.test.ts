import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contractPaths } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { operationParseAs } from './generated/parse-as.js';
import { createApiClient } from './index.js';

// Serves each path with the body and media type the test put there, so the client reads real bytes off the wire.
const bodies = new Map<string, { type: string; body: Buffer }>();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const hit = bodies.get(req.url ?? '');
    res.writeHead(hit ? 200 : 404, { 'content-type': hit?.type ?? 'application/json' });
    res.end(hit?.body ?? JSON.stringify({ error: { code: 'not_found', message: `nothing at ${req.url}`, request_id: 'r-1' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><text>Overflowing bin</text></svg>';

describe('non-JSON responses', () => {
  it('GET card.svg yields the SVG as a string (typed string), not a JSON parse error', async () => {
    bodies.set('/api/v4/reports/rpt_8Zq3nV1kT0aB/card.svg', { type: 'image/svg+xml', body: Buffer.from(SVG) });
    const { data, error } = await createApiClient({ baseUrl }).GET('/api/v4/reports/{public_id}/card.svg', { params: { path: { public_id: 'rpt_8Zq3nV1kT0aB' } } });
    expectTypeOf(data).toEqualTypeOf<string | undefined>();
    expect(error).toBeUndefined();
    expect(data).toBe(SVG);
  });

  it('GET /r/{public_id} yields the HTML page as a string', async () => {
    const html = '<!doctype html><html><head><meta property="og:image" content="/card.svg"></head></html>';
    bodies.set('/r/rpt_8Zq3nV1kT0aB', { type: 'text/html; charset=utf-8', body: Buffer.from(html) });
    const { data } = await createApiClient({ baseUrl }).GET('/r/{public_id}', { params: { path: { public_id: 'rpt_8Zq3nV1kT0aB' } } });
    expectTypeOf(data).toEqualTypeOf<string | undefined>();
    expect(data).toBe(html);
  });

  it("keeps the caller's parseAs", async () => {
    bodies.set('/api/v4/reports/rpt_Blob00000000/card.svg', { type: 'image/svg+xml', body: Buffer.from(SVG) });
    const { data } = await createApiClient({ baseUrl }).GET('/api/v4/reports/{public_id}/card.svg', {
      params: { path: { public_id: 'rpt_Blob00000000' } },
      parseAs: 'blob',
    });
    expectTypeOf(data).toEqualTypeOf<Blob | undefined>();
    expect(data).toBeInstanceOf(Blob);
    expect(await data!.text()).toBe(SVG);
  });

  it('still reads an error of a non-JSON operation as the JSON envelope', async () => {
    const { data, error, response } = await createApiClient({ baseUrl }).GET('/api/v4/reports/{public_id}/card.svg', { params: { path: { public_id: 'rpt_Missing00000' } } });
    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expect(error?.error.code).toBe('not_found');
  });

  // Every non-JSON operation of the contract, served with its own media type and example: a new one is covered too.
  const contract = JSON.parse(readFileSync(contractPaths.openapiDereferenced, 'utf8')) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>>;
  };
  it.each(Object.entries(operationParseAs))('%s is read as %s', async (operation, kind) => {
    const [method, template] = operation.split(' ') as [string, string];
    const [mediaType, media] = Object.entries(contract.paths[template]![method.toLowerCase()]!.responses['200']!.content!)[0]!;
    const example = typeof media.example === 'string' ? media.example : 'body';
    const url = template.replace(/\{[^}]+\}/g, 'p1');
    bodies.set(url, { type: mediaType, body: Buffer.from(example) });
    const path = Object.fromEntries([...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name, 'p1']));
    const call = createApiClient({ baseUrl }).request as unknown as (m: string, u: string, i: object) => Promise<{ data: unknown }>;
    const { data } = await call(method, template, { params: { path } });
    if (kind === 'text') expect(data).toBe(example);
    else expect(await (data as Blob).text()).toBe(example);
  });
});
