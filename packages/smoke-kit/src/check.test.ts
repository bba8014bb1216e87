import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiClient } from '@cleanapp/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, expectContract, expectError } from './check.js';
import { recordingFetch } from './exchange.js';

// Answers are chosen by path so each test gets one specific (mis)behaviour.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const rid = String(req.headers['x-request-id'] ?? 'generated-1');
    const json = (status: number, body: unknown, headers: Record<string, string> = { 'x-request-id': rid }) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const health = { status: 'ok', service: 'api', time: '2026-11-22T10:00:00.000Z', dependencies: { amqp: { status: 'up' }, db: { status: 'up' } } };
    switch (req.url) {
      case '/ok/api/v4/health':
        return json(200, health);
      case '/no-id/api/v4/health':
        return json(200, health, {});
      case '/other-id/api/v4/health':
        return json(200, health, { 'x-request-id': 'something-else' });
      case '/bad-schema/api/v4/health':
        return json(200, { ...health, status: 'fine', extra: 1 });
      case '/envelope-mismatch/api/v4/receipts/rcp_000000000000':
        return json(404, { error: { code: 'not_found', message: 'no', request_id: 'other' } });
      case '/not-envelope/api/v4/receipts/rcp_000000000000':
        return json(404, { message: 'not found' });
      case '/text/api/v4/receipts/rcp_000000000000':
        res.writeHead(404, { 'content-type': 'text/plain', 'x-request-id': rid });
        return res.end('not found');
      default:
        return json(404, { error: { code: 'not_found', message: 'no route', request_id: rid } });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (prefix: string) => createApiClient({ baseUrl: `${baseUrl}/${prefix}`, token: 'tok-secret-123456', fetch: recordingFetch() });
const fail = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ContractError);
  return err as ContractError;
};

describe('expectContract', () => {
  it('passes a conforming openapi-fetch result and returns the typed body', async () => {
    const res = await expectContract('getHealth', await client('ok').GET('/api/v4/health'), { status: 200 });
    expect(res.body.dependencies.db.status).toBe('up');
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.curl).toMatch(/^curl -sS -i http:\/\/127\.0\.0\.1:\d+\/ok\/api\/v4\/health -H 'Authorization: Bearer \*\*\*' -H 'X-Request-ID: /);
  });

  it('accepts a plain fetch Response too', async () => {
    const res = await expectContract('getHealth', await fetch(`${baseUrl}/ok/api/v4/health`), { status: 200 });
    expect(res.curl).toMatch(/request not recorded/);
  });

  it('fails on an unexpected status with the curl line and the response', async () => {
    const err = await fail(expectContract('getHealth', await client('ok').GET('/api/v4/health'), { status: 503 }));
    expect(err.problems).toEqual(['expected status 503, got 200']);
    expect(err.message).toMatch(/^getHealth \(GET http:\/\/127\.0\.0\.1:\d+\/ok\/api\/v4\/health\) does not match the contract:\n {2}- expected status 503, got 200\n {2}reproduce: curl /);
    expect(err.message).toContain(`'Authorization: Bearer ***'`);
    expect(err.message).not.toContain('tok-secret-123456');
    expect(err.message).toContain('response:  200 application/json');
  });

  it('requires X-Request-ID and its echo', async () => {
    expect((await fail(expectContract('getHealth', await client('no-id').GET('/api/v4/health')))).problems).toEqual(['the response has no X-Request-ID header']);
    const other = await fail(expectContract('getHealth', await client('other-id').GET('/api/v4/health')));
    expect(other.problems[0]).toMatch(/^X-Request-ID not echoed: sent "[0-9a-f-]{36}", got "something-else"$/);
  });

  it('names the schema violations by location', async () => {
    const err = await fail(expectContract('getHealth', await client('bad-schema').GET('/api/v4/health')));
    expect(err.problems).toEqual(['response/body/extra: is not allowed', 'response/body/status: must be equal to one of the allowed values']);
  });

  it('checks error envelopes and their request_id', async () => {
    const get = (prefix: string) => client(prefix).GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: 'rcp_000000000000' } } });
    const ok = await expectError('getReceipt', await get('ok'), 404, { code: 'not_found' });
    expect(ok.body.error.request_id).toBe(ok.requestId);
    expect((await fail(expectError('getReceipt', await get('ok'), 404, { code: 'conflict' }))).problems).toEqual(['expected error.code "conflict", got "not_found"']);
    expect((await fail(expectError('getReceipt', await get('envelope-mismatch'), 404))).problems).toEqual([
      expect.stringMatching(/^error\.request_id "other" differs from the X-Request-ID header "[0-9a-f-]{36}"$/),
    ]);
    expect((await fail(expectError('getReceipt', await get('not-envelope'), 404))).problems).toEqual(
      expect.arrayContaining(['response/body/error: is required', 'response/body/message: is not allowed']),
    );
    const text = await fetch(`${baseUrl}/text/api/v4/receipts/rcp_000000000000`, { headers: { 'x-request-id': 'r1' } });
    expect((await fail(expectError('getReceipt', text, 404))).problems).toEqual(
      expect.arrayContaining(['error responses must be JSON envelopes, got Content-Type text/plain']),
    );
  });

  it('appends the reproduction to a failing check callback, keeping the assertion', async () => {
    const err = await expectContract('getHealth', await client('ok').GET('/api/v4/health'), {
      check(health) {
        expect(health.service).toBe('other');
      },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('AssertionError');
    expect((err as Error).message).toMatch(/expected 'api' to be 'other'[^]*\n {2}reproduce: curl -sS -i http:[^]*Bearer \*\*\*[^]*\n {2}response: {2}200 application\/json/);
  });

  it('turns a transport failure into an error carrying the curl line', async () => {
    const c = createApiClient({ baseUrl: 'http://127.0.0.1:1', token: 'tok-secret-123456', fetch: recordingFetch() });
    const err = await c.GET('/api/v4/health').catch((e: unknown) => e);
    expect((err as Error).name).toBe('HttpError');
    expect((err as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/api\/v4\/health failed: [^\n]+\n {2}reproduce: curl -sS -i http:\/\/127\.0\.0\.1:1\/api\/v4\/health -H 'Authorization: Bearer \*\*\*'/);
  });
});
