// The issue's done-criterion: "Mocks and real stack answer the same example request with bodies that both
// validate against the contract". Starts the real reference stack (RabbitMQ at AMQP_URL / 127.0.0.1:5672,
// PostgreSQL at DATABASE_URL / 127.0.0.1:5432), sends the contract's example requests to it and to the MSW
// mocks, and checks both answers against the contract. The token mock is compared with the stack's issuer the same
// way: the same token and authorize requests get the same status and OAuth error code, and a PKCE sign-in through
// api-client's createPkceAuth works against both.
import { createApiClient, createPkceAuth, type AccessToken } from '@cleanapp/api-client';
import { OpenApiValidator } from '@cleanapp/contracts';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHandlers, type AuthMock } from './auth.js';
import { createHandlers } from './handlers.js';
import { exampleRequest, readBody } from './test-helpers.js';
import type { OperationId } from './types.js';

const MOCK = 'http://api.mock.cleanapp.test';
const validator = new OpenApiValidator();
// Everything the stack does over loopback (its JWKS fetch, the GraphQL gateway, our calls to it) passes through.
const server = setupServer(...createHandlers({ baseUrl: MOCK, requireAuth: true }));
let stack: RunningStack;
let token: string;
let auth: AuthMock;
const MOCK_ISSUER = 'http://auth.mock.cleanapp.test';

beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  stack = await startStack();
  token = await stack.token();
  // The mock registers the stack's clients, so the same requests mean the same thing to both.
  const service = { clientId: stack.target.auth.clientId, clientSecret: stack.target.auth.clientSecret };
  auth = createAuthHandlers({ issuerUrl: MOCK_ISSUER, clients: [service, ...stack.login.publicClients] });
  server.use(...auth.handlers);
});
afterAll(async () => {
  server.close();
  await stack?.stop();
});

interface Answer {
  status: number;
  contentType: string;
  requestId: string | null;
  body: unknown;
}

/** Sends the same example request (same headers, body and path parameters) to one base URL. */
async function send(baseUrl: string, operationId: OperationId, requestId: string, pathParams: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(exampleRequest(operationId, baseUrl, { authorization: `Bearer ${token}`, 'x-request-id': requestId }, pathParams));
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', requestId: response.headers.get('x-request-id'), body: await readBody(response) };
}

/** Both answers: same status, X-Request-ID echoed, each body valid against the contract for its status. */
async function parity(operationId: OperationId, pathParams: { mock?: Record<string, string>; real?: Record<string, string> } = {}) {
  const id = `parity-${operationId}-${Date.now()}`;
  const mock = await send(MOCK, operationId, `${id}-mock`, pathParams.mock);
  const real = await send(stack.target.rest.baseUrl, operationId, `${id}-real`, pathParams.real);
  expect({ operationId, mock: mock.status }).toEqual({ operationId, mock: real.status });
  expect(mock.requestId).toBe(`${id}-mock`);
  expect(real.requestId).toBe(`${id}-real`);
  expect({ source: 'mock', problems: validator.validateResponse(operationId, mock.status, mock.body, mock.contentType) }).toEqual({ source: 'mock', problems: [] });
  expect({ source: 'real', problems: validator.validateResponse(operationId, real.status, real.body, real.contentType) }).toEqual({ source: 'real', problems: [] });
  return { mock, real };
}

describe('mocks and the real reference stack answer the same example requests validly', () => {
  let ids: { mock: { receipt_id: string; public_id: string }; real: { receipt_id: string; public_id: string } };

  it('submitReport (the contract example "publish") → 202 receipt from both', async () => {
    const { mock, real } = await parity('submitReport');
    expect(mock.status).toBe(202);
    ids = { mock: mock.body as typeof ids.mock, real: real.body as typeof ids.real };
    expect(ids.real.receipt_id).toMatch(/^rcp_/);
    expect(ids.real.receipt_id).not.toBe(ids.mock.receipt_id); // really answered by the stack
  });

  it('getReceipt with the returned receipt_id → 200 from both', async () => {
    const { mock } = await parity('getReceipt', { mock: { receipt_id: ids.mock.receipt_id }, real: { receipt_id: ids.real.receipt_id } });
    expect(mock.status).toBe(200);
  });

  it('getReport with the returned public_id → 200 from both', async () => {
    const { mock } = await parity('getReport', { mock: { public_id: ids.mock.public_id }, real: { public_id: ids.real.public_id } });
    expect(mock.status).toBe(200);
  });

  it('getHealth → 200 from both', async () => {
    expect((await parity('getHealth')).mock.status).toBe(200);
  });

  it('getVersion → 200 from both', async () => {
    expect((await parity('getVersion')).mock.status).toBe(200);
  });

  it.each(['listReportsNear', 'listReportPoints', 'getReportSummary', 'getStats', 'getOpenApiDocument'] as const)(
    '%s (contract example parameters) → the same status from both, both valid',
    async (operationId) => {
      await parity(operationId);
    },
  );

  it('without a token: the mock (requireAuth) and the stack both answer submitReport with a valid 401', async () => {
    const request = (base: string) => {
      const r = exampleRequest('submitReport', base);
      return fetch(r);
    };
    const [mock, real] = await Promise.all([request(MOCK), request(stack.target.rest.baseUrl)]);
    expect([mock.status, real.status]).toEqual([401, 401]);
    for (const response of [mock, real]) {
      expect(validator.validateResponse('submitReport', 401, await readBody(response), response.headers.get('content-type') ?? '')).toEqual([]);
    }
  });
});

describe('the token mock and the stack\'s issuer answer the same OAuth requests alike', () => {
  const app = () => stack.login.publicClients[0]!;
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 appendix B

  async function tokenParity(form: Record<string, string>, basic?: 'right' | 'wrong') {
    const { clientId, clientSecret } = stack.target.auth;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (basic) headers.authorization = `Basic ${btoa(`${clientId}:${basic === 'right' ? clientSecret : 'wrong'}`)}`;
    const post = async (url: string) => {
      const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const [mock, real] = await Promise.all([post(auth.tokenUrl), post(stack.login.tokenUrl)]);
    expect({ status: mock.status, error: mock.body.error }).toEqual({ status: real.status, error: real.body.error });
    return { mock: mock.body, real: real.body };
  }

  it('client credentials: a token with the same fields; wrong secret, bad scope and an unknown grant type refused alike', async () => {
    const ok = await tokenParity({ grant_type: 'client_credentials', scope: 'report:read' }, 'right');
    expect(Object.keys(ok.mock).sort()).toEqual(Object.keys(ok.real).sort());
    expect([ok.mock.token_type, ok.mock.scope]).toEqual([ok.real.token_type, ok.real.scope]);
    expect((await tokenParity({ grant_type: 'client_credentials', scope: 'report:read' }, 'wrong')).real.error).toBe('invalid_client');
    expect((await tokenParity({ grant_type: 'client_credentials', scope: 'superuser' }, 'right')).real.error).toBe('invalid_scope');
    expect((await tokenParity({ grant_type: 'password', username: 'a', password: 'b' }, 'right')).real.error).toBe('unsupported_grant_type');
  });

  it('authorization code and refresh token: unknown code or refresh token, a secret sent by a public client', async () => {
    const base = { client_id: app().clientId, redirect_uri: app().redirectUris[0]!, code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' };
    expect((await tokenParity({ ...base, grant_type: 'authorization_code', code: 'never-issued' })).real.error).toBe('invalid_grant');
    expect((await tokenParity({ grant_type: 'refresh_token', client_id: app().clientId, refresh_token: 'never-issued' })).real.error).toBe('invalid_grant');
    expect((await tokenParity({ ...base, grant_type: 'authorization_code', code: 'x', client_secret: 's' })).real.error).toBe('invalid_client');
  });

  it('authorize: refused on the spot (unknown client, unregistered redirect_uri) or redirected back with the same error', async () => {
    const base = { response_type: 'code', client_id: app().clientId, redirect_uri: app().redirectUris[0]!, code_challenge: challenge, code_challenge_method: 'S256', state: 'st' };
    const get = async (authorizeUrl: string, params: Record<string, string>) => {
      const url = new URL(authorizeUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const response = await fetch(url, { redirect: 'manual' });
      const location = response.headers.get('location');
      const back = location ? new URL(location).searchParams : undefined;
      return { status: response.status, error: back?.get('error') ?? null, state: back?.get('state') ?? null, iss: Boolean(back?.get('iss')) };
    };
    for (const params of [
      { client_id: 'stranger' },
      { redirect_uri: 'https://evil.example/callback' },
      { code_challenge_method: 'plain' },
      { response_type: 'token' },
      { scope: 'admin' },
    ] as Record<string, string>[]) {
      const [mock, real] = await Promise.all([get(auth.authorizeUrl, { ...base, ...params }), get(stack.login.authorizationUrl, { ...base, ...params })]);
      expect({ params, ...mock }).toEqual({ params, ...real });
    }
  });

  it("a PKCE sign-in with api-client's createPkceAuth works against both, with tokens of the same shape", async () => {
    const user = stack.login.users[0]!;
    const signIn = async (authorizationUrl: string, tokenUrl: string, approve: (url: string) => Promise<Response>): Promise<AccessToken> => {
      const pkce = createPkceAuth({ authorizationUrl, tokenUrl, clientId: app().clientId, redirectUri: app().redirectUris[0]!, scope: 'report:read' });
      const answer = await approve(await pkce.authorizationRequestUrl());
      expect(answer.status).toBe(302);
      return pkce.handleCallback(answer.headers.get('location')!);
    };
    const mock = await signIn(auth.authorizeUrl, auth.tokenUrl, (url) => fetch(url, { redirect: 'manual' }));
    // The stack's issuer shows a login form: post it as the user would.
    const real = await signIn(stack.login.authorizationUrl, stack.login.tokenUrl, async (url) => {
      const form = new URLSearchParams(new URL(url).searchParams);
      form.set('username', user.username);
      form.set('password', user.password);
      form.set('decision', 'allow');
      return fetch(stack.login.authorizationUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
    });
    expect(Object.keys(mock).sort()).toEqual(Object.keys(real).sort());
    expect([mock.scope, typeof mock.refreshToken]).toEqual([real.scope, typeof real.refreshToken]);
    expect(auth.verify(mock.accessToken)).toMatchObject({ clientId: app().clientId, scope: ['report:read'] });
    const stats = await createApiClient({ baseUrl: stack.target.rest.baseUrl, token: real.accessToken }).GET('/api/v4/stats');
    expect(stats.response.status).toBe(200);
  });
});
