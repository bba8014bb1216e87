// The platform standard on every service of a stack started together: /healthz, /version, the exchange
// headers on every response, the envelope for oversized requests, and AUTH_REQUIRED=false.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startStack, type RunningStack } from './stack.js';
import { expectExchangeHeaders, expectOpsEndpoints, expectOversizeEnvelopes, httpBase } from './testing/platform.js';

/** service name → its base URL and the dependencies its /healthz reports. */
const SERVICES: Record<string, { url: (s: RunningStack) => string; dependencies: string[] }> = {
  'cleanapp-api': { url: (s) => s.urls.api, dependencies: ['amqp', 'db'] },
  'token-issuer': { url: (s) => s.urls.issuer, dependencies: [] },
  analyzer: { url: (s) => s.urls.analyzer, dependencies: ['amqp', 'db'] },
  renderer: { url: (s) => s.urls.renderer, dependencies: ['amqp', 'db'] },
  graphql: { url: (s) => httpBase(s.urls.graphql), dependencies: ['db'] },
  'ws-hub': { url: (s) => httpBase(s.urls.ws), dependencies: ['amqp', 'db'] },
};
const names = Object.keys(SERVICES);

describe('every service of a stack started together (AUTH_REQUIRED default)', () => {
  let stack: RunningStack;
  const base = (name: string) => SERVICES[name]!.url(stack);
  beforeAll(async () => {
    stack = await startStack({ env: { ...process.env, AUTH_REQUIRED: undefined } });
  }, 60_000);
  afterAll(async () => stack?.stop());

  it.each(names)('%s answers /healthz and /version as the contract says', async (name) => {
    await expectOpsEndpoints(base(name), name, { authRequired: true, runtimeMode: 'embedded', dependencies: SERVICES[name]!.dependencies });
  });

  it.each(names)('%s answers oversized headers with the 431 envelope and an oversized body with the 413 envelope', async (name) => {
    await expectOversizeEnvelopes(base(name));
  });

  it.each(names)('%s keeps its older health path and answers unknown paths with the exchange headers', async (name) => {
    const legacy = { 'cleanapp-api': '/api/v4/health' }[name] ?? '/health';
    const health = await fetch(`${base(name)}${legacy}`, { headers: { 'x-request-id': 'legacy' } });
    expect(health.status).toBe(200);
    expectExchangeHeaders(health.headers, 'legacy');
    const missing = await fetch(`${base(name)}/no-such-path`);
    // The gateway asks for a token before it routes: 401 there, 404 elsewhere.
    expect(missing.status).toBe(name === 'graphql' ? 401 : 404);
    expectExchangeHeaders(missing.headers);
  });

  it('puts the exchange headers on each surface\'s own answers, and CORS exposes them', async () => {
    const cors = await fetch(`${stack.urls.api}/api/v4/stats`, { headers: { origin: stack.target.cors.allowedOrigin } });
    expect(cors.status).toBe(401);
    expectExchangeHeaders(cors.headers);
    expect(cors.headers.get('access-control-expose-headers')).toBe('X-Request-ID, X-Process-Time');

    const token = await fetch(`${stack.urls.issuer}/oauth/token`, { method: 'POST', body: 'grant_type=password', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'oauth' } });
    expect(token.status).toBe(400);
    expectExchangeHeaders(token.headers, 'oauth');
    expectExchangeHeaders((await fetch(`${stack.urls.issuer}/.well-known/jwks.json`)).headers);

    const graphql = await fetch(stack.urls.graphql, { method: 'POST', body: '{"query":"{ __typename }"}', headers: { 'content-type': 'application/json', origin: stack.target.cors.allowedOrigin } });
    expect(graphql.status).toBe(401);
    expectExchangeHeaders(graphql.headers);
    expect(graphql.headers.get('access-control-expose-headers')).toBe('X-Request-ID, X-Process-Time');

    const plain = await fetch(`${httpBase(stack.urls.ws)}/ws/public`);
    expect(plain.status).toBe(426);
    expectExchangeHeaders(plain.headers);
    const upgraded = await upgrade(stack.target.websocket.publicUrl);
    expect(upgraded.status).toBe(101);
    expectExchangeHeaders(upgraded.headers, 'ws-upgrade');
  });
});

describe('a stack started with AUTH_REQUIRED=false (local development)', () => {
  let stack: RunningStack;
  const warnings: string[] = [];
  beforeAll(async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void warnings.push(String(line)));
    try {
      stack = await startStack({ env: { ...process.env, AUTH_REQUIRED: 'false' } });
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('says so loudly at start and in every service\'s /version', async () => {
    for (const name of names) {
      expect(warnings.some((w) => w.startsWith(`[${name}]`) && w.includes('AUTH_REQUIRED=false')), `${name} warned`).toBe(true);
      await expectOpsEndpoints(SERVICES[name]!.url(stack), name, { authRequired: false, runtimeMode: 'embedded', dependencies: SERVICES[name]!.dependencies });
    }
  });

  it('accepts requests without a token on the API, GraphQL and the privileged stream; a token sent is still checked', async () => {
    const submitted = await fetch(`${stack.urls.api}/api/v4/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source_id: `open-${stack.id}`, latitude: 1, longitude: 2, title: 'Open bin', synthetic: true }),
    });
    expect(submitted.status).toBe(202);
    const { receipt_id } = (await submitted.json()) as { receipt_id: string };
    expect((await fetch(`${stack.urls.api}/api/v4/receipts/${receipt_id}`)).status).toBe(200);
    const forged = await fetch(`${stack.urls.api}/api/v4/stats`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(forged.status).toBe(401);

    const graphql = await fetch(stack.urls.graphql, { method: 'POST', body: '{"query":"{ __typename }"}', headers: { 'content-type': 'application/json' } });
    expect([graphql.status, await graphql.json()]).toEqual([200, { data: { __typename: 'Query' } }]);

    const ws = new WebSocket(stack.target.websocket.privilegedUrl);
    try {
      const welcome = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data) => resolve(String(data)));
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
      });
      expect(JSON.parse(welcome)).toMatchObject({ type: 'welcome', data: { stream: 'privileged' } });
    } finally {
      ws.terminate();
    }
  });
});

/** A WebSocket handshake; resolves with the 101's status and headers. */
function upgrade(url: string): Promise<{ status: number; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', 'x-request-id': 'ws-upgrade' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: new Headers(Object.entries(res.headers).map(([k, v]): [string, string] => [k, String(v)])) });
    });
    req.on('response', (res) => resolve({ status: res.statusCode!, headers: new Headers() }));
    req.on('error', reject);
    req.end();
  });
}
