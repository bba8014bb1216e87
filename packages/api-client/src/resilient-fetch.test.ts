import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiRequestError, createApiClient, TimeoutError, unwrap } from './index.js';

// A scripted server: each test queues the answers the next requests get.
type Answer = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };
let script: Answer[] = [];
const seen: { method: string; url: string; authorization?: string; body: string }[] = [];
let server: Server;
let baseUrl: string;
const noWait = async () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const answer = script.shift() ?? { status: 200, body: { ok: true } };
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json', 'x-request-id': String(req.headers['x-request-id']), ...answer.headers });
        res.end(JSON.stringify(answer.body ?? {}));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  script = [];
  seen.length = 0;
});

const health = { status: 'ok', service: 's', time: '2026-11-22T10:00:00Z', dependencies: { amqp: { status: 'up' }, db: { status: 'up' } } };
const unavailable = { error: { code: 'unavailable', message: 'db down', request_id: 'x' } };

describe('transport: retries, timeouts, token refresh', () => {
  it('retries an idempotent GET after 503s and returns the success', async () => {
    script = [{ status: 503, body: unavailable }, { status: 503, body: unavailable }, { status: 200, body: health }];
    const api = createApiClient({ baseUrl, sleep: noWait });
    const { data } = await api.GET('/api/v4/health');
    expect(data?.status).toBe('ok');
    expect(seen).toHaveLength(3);
  });

  it('gives up after the configured retries and hands back the last answer', async () => {
    script = [{ status: 503, body: unavailable }, { status: 503, body: unavailable }];
    const api = createApiClient({ baseUrl, sleep: noWait, retry: { retries: 1 } });
    const result = await api.GET('/api/v4/health');
    expect(result.response.status).toBe(503);
    expect(seen).toHaveLength(2);
    expect(() => unwrap(result)).toThrow(ApiRequestError);
  });

  it('never retries a POST (not idempotent), whatever the status', async () => {
    script = [{ status: 503, body: unavailable }];
    const api = createApiClient({ baseUrl, sleep: noWait, token: 't' });
    const result = await api.POST('/api/v4/reports', { body: { source_id: 's', latitude: 0, longitude: 0 } });
    expect(result.response.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    const waits: number[] = [];
    script = [{ status: 429, body: unavailable, headers: { 'retry-after': '2' } }, { status: 200, body: health }];
    const api = createApiClient({ baseUrl, sleep: async (ms) => void waits.push(ms) });
    await api.GET('/api/v4/health');
    expect(waits).toEqual([2000]);
  });

  it('times out a slow attempt, retries it, and throws TimeoutError when every attempt is slow', async () => {
    script = [{ status: 200, body: health, delayMs: 300 }, { status: 200, body: health }];
    const api = createApiClient({ baseUrl, sleep: noWait, timeoutMs: 100 });
    expect((await api.GET('/api/v4/health')).data?.status).toBe('ok');
    script = [0, 1, 2].map(() => ({ status: 200, body: health, delayMs: 300 }));
    await expect(api.GET('/api/v4/health')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('refreshes the token once after a 401 and re-sends the request, POST included, body intact', async () => {
    script = [{ status: 401, body: { error: { code: 'unauthorized', message: 'expired', request_id: 'r' } } }, { status: 202, body: {} }];
    const calls: boolean[] = [];
    const api = createApiClient({
      baseUrl,
      token: async ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return forceRefresh ? 'new-token' : 'old-token';
      },
    });
    const result = await api.POST('/api/v4/reports', { body: { source_id: 'refresh-1', latitude: 1, longitude: 2 } });
    expect(result.response.status).toBe(202);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(JSON.parse(seen[1]!.body)).toEqual({ source_id: 'refresh-1', latitude: 1, longitude: 2 });
    expect(calls).toEqual([false, true]);
  });

  it('does not loop when the refreshed token is refused too', async () => {
    const denied = { status: 401, body: { error: { code: 'unauthorized', message: 'no', request_id: 'r' } } };
    script = [denied, denied, denied];
    const api = createApiClient({ baseUrl, token: async () => 'tok', sleep: noWait });
    const result = await api.GET('/api/v4/stats');
    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(2);
    const error = (() => {
      try {
        unwrap(result);
      } catch (e) {
        return e as ApiRequestError;
      }
    })();
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', requestId: 'r' });
  });
});
