import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentialsTokenSource } from './client-credentials.js';
import { createApiClient } from './index.js';
import type { AccessToken } from './oauth.js';
import { createTokenSource, type TokenFetchContext } from './token-source.js';

/** A grant that issues tok-1, tok-2, … each living `lifetimeMs` from the fake clock, and records what it was asked. */
function grant(clock: { now: number }, lifetimeMs = 120_000) {
  const calls: TokenFetchContext[] = [];
  const fetchToken = async (context: TokenFetchContext): Promise<AccessToken> => {
    calls.push(context);
    return { accessToken: `tok-${calls.length}`, tokenType: 'Bearer', expiresAt: clock.now + lifetimeMs, scope: '' };
  };
  return { calls, fetchToken };
}

describe('createTokenSource', () => {
  it('serves the cached token until refreshSkewMs before expiry, then fetches a new one', async () => {
    const clock = { now: 1_000_000 };
    const { calls, fetchToken } = grant(clock);
    const source = createTokenSource(fetchToken, { refreshSkewMs: 20_000, now: () => clock.now });
    expect(await source()).toBe('tok-1');
    clock.now += 99_999; // 120 s lifetime - 20 s skew
    expect(await source()).toBe('tok-1');
    clock.now += 1;
    expect(await source()).toBe('tok-2');
    expect(calls.map((c) => c.current?.accessToken)).toEqual([undefined, 'tok-1']);
  });

  it('caps the skew at half the lifetime, so a short-lived token is still used', async () => {
    const clock = { now: 0 };
    const { fetchToken } = grant(clock, 10_000);
    const source = createTokenSource(fetchToken, { refreshSkewMs: 60_000, now: () => clock.now });
    expect(await source()).toBe('tok-1');
    clock.now = 4_999;
    expect(await source()).toBe('tok-1');
    clock.now = 5_000;
    expect(await source()).toBe('tok-2');
  });

  it('gives concurrent callers one request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const source = createTokenSource(async () => {
      calls += 1;
      await gate;
      return { accessToken: `tok-${calls}`, tokenType: 'Bearer', expiresAt: Date.now() + 60_000, scope: '' };
    });
    const all = Promise.all([source(), source.getToken(), source({ forceRefresh: true })]);
    release();
    const [a, b, c] = await all;
    expect([a, b.accessToken, c]).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(calls).toBe(1);
  });

  it('rejects every waiting caller when the request fails, and tries again on the next call', async () => {
    let fail = true;
    let calls = 0;
    const source = createTokenSource(async () => {
      calls += 1;
      await Promise.resolve();
      if (fail) throw new Error('issuer down');
      return { accessToken: 'tok-ok', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, scope: '' };
    });
    const results = await Promise.allSettled([source(), source()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('issuer down'));
    expect(calls).toBe(1);
    fail = false;
    expect(await source()).toBe('tok-ok');
    expect(calls).toBe(2);
  });

  it('forceRefresh skips a valid cached token and tells the grant which one was rejected', async () => {
    const clock = { now: 0 };
    const { calls, fetchToken } = grant(clock);
    const source = createTokenSource(fetchToken, { now: () => clock.now });
    expect(await source()).toBe('tok-1');
    expect(await source({ forceRefresh: true })).toBe('tok-2');
    expect(calls[1]).toEqual({ current: expect.objectContaining({ accessToken: 'tok-1' }), forceRefresh: true });
    expect(await source()).toBe('tok-2');
  });

  it('clear() drops the token, and a request started before it does not refill the cache', async () => {
    let release!: () => void;
    let calls = 0;
    const source = createTokenSource(async () => {
      calls += 1;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      return { accessToken: `tok-${calls}`, tokenType: 'Bearer', expiresAt: Date.now() + 60_000, scope: '' };
    });
    const early = source();
    await Promise.resolve();
    source.clear();
    release();
    expect(await early).toBe('tok-1');
    expect(await source()).toBe('tok-2');
  });

  it('rejects a negative skew', () => {
    expect(() => createTokenSource(async () => ({ accessToken: 'x', tokenType: 'Bearer', expiresAt: 0, scope: '' }), { refreshSkewMs: -1 })).toThrow(
      'refreshSkewMs must be a number ≥ 0, got -1',
    );
  });
});

// A token endpoint and an API on one node:http server: the API accepts only the newest token it issued.
let server: Server;
let origin: string;
let issued = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/oauth/token') {
      issued += 1;
      res.end(JSON.stringify({ access_token: `svc-${issued}`, token_type: 'Bearer', expires_in: 300 }));
      return;
    }
    const ok = req.headers.authorization === `Bearer svc-${issued}`;
    res.statusCode = ok ? 200 : 401;
    res.end(JSON.stringify(ok ? { status: 'ok' } : { error: { code: 'unauthorized', message: 'token revoked', request_id: 'r' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('clientCredentialsTokenSource in createApiClient', () => {
  it('after a 401 the client asks the source for a new token and the retried request succeeds', async () => {
    const token = clientCredentialsTokenSource({ tokenUrl: `${origin}/oauth/token`, clientId: 'ingest-bot', clientSecret: 's' }, ['report:read']);
    const api = createApiClient({ baseUrl: origin, token });
    expect(await token()).toBe(`svc-${issued}`);
    issued += 1; // the server revokes the cached token
    const { response } = await api.GET('/api/v4/health');
    expect(response.status).toBe(200);
    expect(await token()).toBe(`svc-${issued}`);
  });
});
