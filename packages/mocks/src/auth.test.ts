// The token mock against @cleanapp/api-client's token helpers and typed client, and the OAuth rules it enforces.
import { clientCredentialsTokenSource, createApiClient, createPkceAuth, fetchClientCredentialsToken, clearTokenCache, TokenError } from '@cleanapp/api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHandlers, MOCK_USER, type AuthMock } from './auth.js';
import { oauthFlows } from './generated/fixtures.js';
import { setupMockServer } from './node.js';
import { BASE_URL } from './test-helpers.js';

let clock = Date.parse('2026-12-01T10:00:00Z');
const APP = { clientId: 'mobile-app', redirectUris: ['com.cleanapp.mobile:/callback', 'http://localhost:5173/callback'] };
const SERVICE = { clientId: 'svc', clientSecret: 's3cret', scopes: ['report:read'] };
const auth: AuthMock = createAuthHandlers({ issuerUrl: 'http://auth.mock.cleanapp.test', clients: [SERVICE, APP], now: () => clock });
const server = setupMockServer({ baseUrl: BASE_URL, auth, graphql: false });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => clearTokenCache());
afterAll(() => server.close());

const service = { tokenUrl: auth.tokenUrl, clientId: SERVICE.clientId, clientSecret: SERVICE.clientSecret };
const api = (token?: string | (() => Promise<string>)) => createApiClient({ baseUrl: BASE_URL, ...(token ? { token } : {}), retry: { retries: 0 } });

/** A verifier/challenge pair computed independently of the mock (RFC 7636 appendix B's example). */
const RFC7636 = { verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' };

async function authorize(params: Record<string, string>, authorizeUrl = auth.authorizeUrl): Promise<{ status: number; location: URL | null; body: unknown }> {
  const url = new URL(authorizeUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location) : null, body: location ? null : await response.json() };
}

async function tokenRequest(form: Record<string, string>): Promise<{ status: number; body: Record<string, string | number> }> {
  const response = await fetch(auth.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  expect(response.headers.get('cache-control')).toBe('no-store');
  return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}

const codeFor = async (scope = 'report:read', redirectUri = APP.redirectUris[0]!) => {
  const { location } = await authorize({ response_type: 'code', client_id: APP.clientId, redirect_uri: redirectUri, code_challenge: RFC7636.challenge, code_challenge_method: 'S256', scope, state: 'st-1' });
  return location!.searchParams.get('code')!;
};
const redeem = (code: string, extra: Record<string, string> = {}) =>
  tokenRequest({ grant_type: 'authorization_code', client_id: APP.clientId, code, redirect_uri: APP.redirectUris[0]!, code_verifier: RFC7636.verifier, ...extra });

describe('defaults from the contract', () => {
  it("answers the contract's token and authorize paths on the issuer origin given, or on any origin", async () => {
    expect([auth.tokenUrl, auth.authorizeUrl]).toEqual([`http://auth.mock.cleanapp.test${oauthFlows.authorizationCode.tokenPath}`, 'http://auth.mock.cleanapp.test/oauth/authorize']);
    const anywhere = createAuthHandlers();
    expect([anywhere.tokenUrl, anywhere.authorizeUrl]).toEqual(['*/oauth/token', '*/oauth/authorize']);
    server.use(...anywhere.handlers);
    try {
      const token = await fetchClientCredentialsToken({ tokenUrl: 'https://login.example.org/oauth/token', clientId: 'any', clientSecret: 'any' }, 'report:read');
      expect(anywhere.verify(token.accessToken)).toMatchObject({ clientId: 'any', scope: ['report:read'] });
      const { location } = await authorize({ response_type: 'code', client_id: 'web', redirect_uri: 'https://app.example/cb', code_challenge: RFC7636.challenge, code_challenge_method: 'S256' }, 'https://login.example.org/oauth/authorize');
      // Without a configured issuer, iss names the origin that was asked.
      expect([location!.searchParams.get('iss'), location!.searchParams.has('code')]).toEqual(['https://login.example.org', true]);
    } finally {
      server.resetHandlers();
    }
  });
});

describe('client credentials (services)', () => {
  it("api-client's token helpers get a token the mocked API accepts; the API refuses other tokens", async () => {
    const token = await fetchClientCredentialsToken(service, 'report:read');
    expect(token).toMatchObject({ tokenType: 'Bearer', scope: 'report:read' });
    expect(auth.verify(token.accessToken)).toMatchObject({ clientId: 'svc', subject: 'service', scope: ['report:read'], grantType: 'client_credentials' });

    const source = clientCredentialsTokenSource(service, 'report:read');
    const ok = await api(source).GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_8Zq3nV1kT0aB' } } });
    expect(ok.response.status).toBe(200);

    const forged = await api('not-issued-here').GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_8Zq3nV1kT0aB' } } });
    expect(forged.response.status).toBe(401);
    const none = await api().GET('/api/v4/stats');
    expect(none.response.status).toBe(401);
    // report:read does not allow submitting: the contract's 403 example.
    const submit = await api(token.accessToken).POST('/api/v4/reports', { body: { source_id: 'a:1', latitude: 52.5, longitude: 13.4 } });
    expect(submit.response.status).toBe(403);
    expect(submit.error?.error.code).toBe('forbidden');
    // Public operations need no token at all.
    expect((await api().GET('/api/v4/health')).response.status).toBe(200);
  });

  it('refuses a wrong secret, a scope the client may not have, and an unknown grant type', async () => {
    const wrong = await fetchClientCredentialsToken({ ...service, clientSecret: 'nope' }, 'report:read').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TokenError);
    expect([(wrong as TokenError).status, (wrong as TokenError).oauthError]).toEqual([401, 'invalid_client']);
    const scope = await fetchClientCredentialsToken(service, 'admin').catch((e: unknown) => e);
    expect([(scope as TokenError).status, (scope as TokenError).oauthError]).toEqual([400, 'invalid_scope']);
    expect(await tokenRequest({ grant_type: 'password', client_id: 'svc', client_secret: 's3cret' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    // A public client has no secret, so it cannot use client credentials.
    expect(await tokenRequest({ grant_type: 'client_credentials', client_id: APP.clientId })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('tokens expire on the mock clock', async () => {
    const { accessToken } = await fetchClientCredentialsToken(service, 'report:read', { force: true });
    expect(auth.verify(accessToken)).toBeDefined();
    clock += 900_000;
    expect(auth.verify(accessToken)).toBeUndefined();
    expect((await api(accessToken).GET('/api/v4/stats')).response.status).toBe(401);
  });
});

describe('authorization code with PKCE (apps)', () => {
  it("api-client's createPkceAuth: sign-in round trip, API calls, refresh before expiry with rotation", async () => {
    const pkce = createPkceAuth({ authorizationUrl: auth.authorizeUrl, tokenUrl: auth.tokenUrl, clientId: APP.clientId, redirectUri: APP.redirectUris[0]!, scope: 'report:read', now: () => clock });
    const login = await fetch(await pkce.authorizationRequestUrl(), { redirect: 'manual' }); // the mock approves at once
    expect(login.status).toBe(302);
    const first = await pkce.handleCallback(login.headers.get('location')!);
    expect(auth.verify(first.accessToken)).toMatchObject({ clientId: APP.clientId, subject: MOCK_USER, scope: ['report:read'], grantType: 'authorization_code' });
    expect((await api(pkce.token).GET('/api/v4/stats')).response.status).toBe(200);
    expect(await pkce.isSignedIn()).toBe(true);

    clock += 890_000; // inside the helper's refresh skew: it refreshes instead of sending a token about to expire
    const second = await pkce.token.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(auth.verify(second.accessToken)).toMatchObject({ grantType: 'refresh_token', scope: ['report:read'] });
    expect((await api(pkce.token).GET('/api/v4/stats')).response.status).toBe(200);
    // The spent refresh token is refused (rotation), which also revokes the session's tokens.
    const replay = await tokenRequest({ grant_type: 'refresh_token', client_id: APP.clientId, refresh_token: first.refreshToken! });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(auth.verify(second.accessToken)).toBeUndefined();
  });

  it('authorize redirects back with code and state; the code, verifier and redirect_uri give tokens the API accepts', async () => {
    const { status, location } = await authorize({
      response_type: 'code',
      client_id: APP.clientId,
      redirect_uri: APP.redirectUris[1]!,
      code_challenge: RFC7636.challenge,
      code_challenge_method: 'S256',
      scope: 'report:read report:submit',
      state: 'xyz',
    });
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(APP.redirectUris[1]);
    expect(location!.searchParams.get('state')).toBe('xyz');
    expect(location!.searchParams.get('iss')).toBe('http://auth.mock.cleanapp.test');
    const code = location!.searchParams.get('code')!;
    const tokens = await redeem(code, { redirect_uri: APP.redirectUris[1]! });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'report:read report:submit' });
    expect(auth.verify(String(tokens.body.access_token))).toMatchObject({ clientId: APP.clientId, subject: MOCK_USER, grantType: 'authorization_code' });
    expect((await api(String(tokens.body.access_token)).GET('/api/v4/stats')).response.status).toBe(200);
  });

  it('checks the verifier against the challenge (S256), the redirect_uri, the client, and uses each code once', async () => {
    expect(await redeem(await codeFor(), { code_verifier: 'A'.repeat(43) })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await redeem(await codeFor(), { code_verifier: 'short' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await redeem(await codeFor(), { redirect_uri: APP.redirectUris[1]! })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await redeem(await codeFor(), { client_id: 'another-app' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await redeem(await codeFor(), { client_secret: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const code = await codeFor();
    const first = await redeem(code);
    expect(first.status).toBe(200);
    expect(auth.verify(String(first.body.access_token))).toBeDefined();
    // A replayed code fails and revokes what it issued (the contract's rule).
    expect(await redeem(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(auth.verify(String(first.body.access_token))).toBeUndefined();
    expect(await tokenRequest({ grant_type: 'refresh_token', client_id: APP.clientId, refresh_token: String(first.body.refresh_token) })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const late = await codeFor();
    clock += 61_000;
    expect(await redeem(late)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the code has expired' } });
  });

  it('refresh tokens rotate: each works once, a replayed one revokes its family, scopes can only narrow', async () => {
    const first = await redeem(await codeFor('report:read report:submit'));
    const refresh = (token: unknown, extra: Record<string, string> = {}) =>
      tokenRequest({ grant_type: 'refresh_token', client_id: APP.clientId, refresh_token: String(token), ...extra });
    expect(await refresh(first.body.refresh_token, { scope: 'admin' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const second = await refresh(first.body.refresh_token, { scope: 'report:read' });
    expect(second).toMatchObject({ status: 200, body: { scope: 'report:read' } });
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(auth.verify(String(second.body.access_token))).toMatchObject({ grantType: 'refresh_token', scope: ['report:read'] });

    expect(await refresh(first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(auth.verify(String(second.body.access_token))).toBeUndefined();
    expect(await refresh(second.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('authorize: an unknown client or unregistered redirect_uri is answered here; other errors go back to the app with state', async () => {
    const base = { response_type: 'code', client_id: APP.clientId, redirect_uri: APP.redirectUris[0]!, code_challenge: RFC7636.challenge, code_challenge_method: 'S256', state: 's' };
    expect(await authorize({ ...base, client_id: 'stranger' })).toMatchObject({ status: 400, location: null, body: { error: 'invalid_client' } });
    expect(await authorize({ ...base, redirect_uri: 'https://evil.example/cb' })).toMatchObject({ status: 400, location: null, body: { error: 'invalid_request' } });
    expect(await authorize({ ...base, client_id: SERVICE.clientId })).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    for (const [params, error] of [
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: '' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'report:read superuser' }, 'invalid_scope'],
      [{ scope: 'admin' }, 'invalid_scope'], // never for a public client (the contract)
    ] as const) {
      const { status, location } = await authorize({ ...base, ...params });
      expect(status).toBe(302);
      expect([location!.searchParams.get('error'), location!.searchParams.get('state'), location!.searchParams.get('code')]).toEqual([error, 's', null]);
    }
  });
});
