import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient } from './index.js';

// A plain node:http server stands in for the API so the test sees exactly what goes over the wire.
let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const requestId = String(req.headers['x-request-id'] ?? 'server-generated');
      res.setHeader('x-request-id', requestId);
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/v4/receipts/')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such receipt', request_id: requestId } }));
        return;
      }
      res.statusCode = 202;
      res.end(JSON.stringify({ receipt_id: 'rcp_Q2v9xL7mW4pD', public_id: 'rpt_8Zq3nV1kT0aB', seq: 1, status: 'queued', lane: 'publish', idempotency_replay: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('createApiClient', () => {
  it('sends the bearer token from a provider, a generated X-Request-ID and the typed body', async () => {
    let calls = 0;
    const client = createApiClient({ baseUrl, token: async () => `tok-${++calls}` });
    const { data, response } = await client.POST('/api/v4/reports', {
      body: { source_id: 's-1', latitude: 1, longitude: 2 },
    });
    expect(response.status).toBe(202);
    expect(data?.receipt_id).toBe('rcp_Q2v9xL7mW4pD');
    const req = seen.at(-1)!;
    expect(req.url).toBe('/api/v4/reports');
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(req.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(req.body)).toEqual({ source_id: 's-1', latitude: 1, longitude: 2 });
    await client.POST('/api/v4/reports', { body: { source_id: 's-2', latitude: 1, longitude: 2 } });
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer tok-2'); // provider called per request
  });

  it('keeps a caller-chosen request id and Authorization header', async () => {
    const client = createApiClient({ baseUrl, token: 'default-token' });
    await client.POST('/api/v4/reports', {
      body: { source_id: 's-3', latitude: 0, longitude: 0 },
      headers: { 'X-Request-ID': 'mine-1', Authorization: 'Bearer override' },
    });
    const req = seen.at(-1)!;
    expect(req.headers['x-request-id']).toBe('mine-1');
    expect(req.headers.authorization).toBe('Bearer override');
  });

  it('types error bodies as the envelope and fills path parameters', async () => {
    const client = createApiClient({ baseUrl, token: 't' });
    const { data, error, response } = await client.GET('/api/v4/receipts/{receipt_id}', {
      params: { path: { receipt_id: 'rcp_Q2v9xL7mW4pD' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error.code).toBe('not_found');
    expect(seen.at(-1)!.url).toBe('/api/v4/receipts/rcp_Q2v9xL7mW4pD');
  });

  it('sends no Authorization header without a token', async () => {
    const client = createApiClient({ baseUrl });
    await client.GET('/api/v4/health');
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('sends a v4 request id where there is no crypto at all (React Native/Hermes)', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      await createApiClient({ baseUrl }).GET('/api/v4/health');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(seen.at(-1)!.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
