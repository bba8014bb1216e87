// The issuer's authorization-code + PKCE flow and refresh rotation (RFC 6749 §4.1, §5.2, §6; RFC 7636), through
// its HTTP app: each rule with the request that satisfies it and the one it refuses.
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIssuerApp } from './issuer.js';
import { KeyRing } from './keys.js';

const ISSUER = 'http://issuer.test';
const APP = 'http://app.test:5173';
const CALLBACK = `${APP}/callback`;
const clock = { now: Date.UTC(2026, 11, 6) };
let keys: KeyRing;
let app: ReturnType<typeof createIssuerApp>;

const base = () => ({
  issuer: ISSUER,
  audience: 'cleanapp-api',
  clients: [{ clientId: 'svc', clientSecret: 'svc-secret-value', scopes: ['report:read', 'admin'] }],
  publicClients: [
    { clientId: 'web', redirectUris: [CALLBACK, 'com.cleanapp.mobile:/oauth'], scopes: ['report:submit', 'report:read'] },
    { clientId: 'other-app', redirectUris: [CALLBACK], scopes: ['report:read'] },
  ],
  users: [{ username: 'alice', password: 'correct horse battery' }],
  keys,
  corsOrigins: [APP],
  grants: { now: () => clock.now, codeTtlSeconds: 60, refreshTtlSeconds: 3600 },
});

beforeAll(async () => {
  keys = await KeyRing.create();
});
beforeEach(() => {
  app = createIssuerApp(base());
});

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

const authParams = (challenge: string, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: 'web',
  redirect_uri: CALLBACK,
  state: 'st<"ate>',
  scope: 'report:submit report:read',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  ...extra,
});

const getAuthorize = (params: Record<string, string> | string) => app.request(`/oauth/authorize?${new URLSearchParams(params)}`);
const postAuthorize = (params: Record<string, string>) =>
  app.request('/oauth/authorize', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
const postToken = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

/** The app's callback URL the issuer redirected to. */
const callback = (res: Response) => {
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
};

async function signIn(challenge: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await postAuthorize({ ...authParams(challenge, extra), username: 'alice', password: 'correct horse battery', decision: 'allow' });
  const code = callback(res).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  postToken({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'web', code_verifier: verifier, ...extra });
const refresh = (token: string, extra: Record<string, string> = {}) => postToken({ grant_type: 'refresh_token', refresh_token: token, client_id: 'web', ...extra });

async function oauthErrorOf(res: Response) {
  return { status: res.status, ...((await res.json()) as { error: string; error_description: string }) };
}

async function tokens(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string; token_type: string };
}

describe('GET /oauth/authorize', () => {
  it('shows a login form carrying the request, escaped, that cannot be framed', async () => {
    const res = await getAuthorize(authParams(pkce().challenge));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<form method="post" action="authorize">');
    expect(html).toContain('name="state" value="st&#60;&#34;ate&#62;"');
    expect(html).not.toContain('st<"ate>');
    expect(html).toMatch(/<input id="password" name="password" type="password"/);
  });

  it.each([
    ['an unknown client', { client_id: 'nobody' }, 'Unknown client &#34;nobody&#34;'],
    ['an unregistered redirect_uri', { redirect_uri: 'http://evil.test/callback' }, 'is not registered'],
    ['a redirect_uri that only starts with a registered one', { redirect_uri: `${CALLBACK}/../evil` }, 'is not registered'],
    ['a registered redirect_uri with a query added', { redirect_uri: `${CALLBACK}?next=http://evil.test` }, 'is not registered'],
    ['a missing redirect_uri', { redirect_uri: '' }, 'redirect_uri is missing'],
  ])('answers %s with a 400 page and never redirects (even when more is wrong)', async (_what, change, message) => {
    const res = await getAuthorize({ ...authParams('short'), code_challenge_method: 'plain', ...change });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(message);
  });

  it('refuses a redirect_uri given twice with a page', async () => {
    const params = new URLSearchParams(authParams(pkce().challenge));
    params.append('redirect_uri', 'http://evil.test/callback');
    const res = await getAuthorize(params.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it.each([
    ['no code_challenge', { code_challenge: '' }, 'invalid_request', 'code_challenge is required'],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request', 'must be S256'],
    ['no code_challenge_method (plain by default, RFC 7636 §4.3)', { code_challenge_method: '' }, 'invalid_request', 'must be S256'],
    ['a challenge that is no SHA-256', { code_challenge: 'abc' }, 'invalid_request', '43 base64url'],
    ['response_type token (implicit)', { response_type: 'token' }, 'unsupported_response_type', 'must be code'],
    ['the admin scope', { scope: 'report:read admin' }, 'invalid_scope', 'admin'],
    ['a scope the client is not registered for', { scope: 'report:delete' }, 'invalid_scope', 'report:delete'],
  ])('sends %s back to the app as an error with its state (§4.1.2.1)', async (_what, change, error, description) => {
    const params = Object.fromEntries(Object.entries(authParams(pkce().challenge, change)).filter(([, v]) => v !== ''));
    const back = callback(await getAuthorize(params));
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('error')).toBe(error);
    expect(back.searchParams.get('error_description')).toContain(description);
    expect(back.searchParams.get('state')).toBe('st<"ate>');
    expect(back.searchParams.get('iss')).toBe(ISSUER);
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('POST /oauth/authorize', () => {
  it('redirects a signed-in user to the exact redirect_uri with a code, the state and the issuer', async () => {
    const res = await postAuthorize({ ...authParams(pkce().challenge), username: 'alice', password: 'correct horse battery', decision: 'allow' });
    const back = callback(res);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(back.searchParams.get('state')).toBe('st<"ate>');
    expect(back.searchParams.get('iss')).toBe(ISSUER);
  });

  it('redirects to a registered custom-scheme URI of a mobile app', async () => {
    const back = callback(await postAuthorize({ ...authParams(pkce().challenge, { redirect_uri: 'com.cleanapp.mobile:/oauth' }), username: 'alice', password: 'correct horse battery', decision: 'allow' }));
    expect(back.protocol).toBe('com.cleanapp.mobile:');
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it.each([
    ['a wrong password', 'alice', 'wrong password!'],
    ['an unknown user', 'mallory', 'correct horse battery'],
  ])('shows the form again with an error for %s, and no code', async (_what, username, password) => {
    const res = await postAuthorize({ ...authParams(pkce().challenge), username, password, decision: 'allow' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Wrong username or password.');
    expect(html).toContain(`value="${username}"`);
    expect(html).not.toContain(password);
  });

  it('sends access_denied back when the user cancels', async () => {
    const back = callback(await postAuthorize({ ...authParams(pkce().challenge), decision: 'deny' }));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st<"ate>');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('validates the posted request as strictly as the GET: a tampered redirect_uri gets a page', async () => {
    const res = await postAuthorize({ ...authParams(pkce().challenge), redirect_uri: 'http://evil.test/callback', username: 'alice', password: 'correct horse battery', decision: 'allow' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('POST /oauth/token, grant_type=authorization_code', () => {
  it('exchanges a code and its verifier for a user access token, a refresh token and expires_in', async () => {
    const { verifier, challenge } = pkce();
    const body = await tokens(await exchange(await signIn(challenge), verifier));
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'report:submit report:read', refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(keys.jwks()), { issuer: ISSUER, audience: 'cleanapp-api', currentDate: new Date() });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: keys.active.kid });
    // The user is the subject, prefixed so that no user is ever taken for a client id by the policy.
    expect(payload).toMatchObject({ sub: 'user:alice', client_id: 'web', scope: 'report:submit report:read' });
    expect(payload).not.toHaveProperty('synthetic_prefix');
  });

  it('grants the narrower scope the user was asked for', async () => {
    const { verifier, challenge } = pkce();
    const body = await tokens(await exchange(await signIn(challenge, { scope: 'report:read' }), verifier));
    expect(body.scope).toBe('report:read');
  });

  it.each([
    ['a forged verifier', () => ({ code_verifier: pkce().verifier }), 'invalid_grant', 'does not match'],
    ['the challenge sent as the verifier (plain)', (v: { challenge: string }) => ({ code_verifier: `${v.challenge}` }), 'invalid_grant', 'does not match'],
    ['no verifier', () => ({ code_verifier: '' }), 'invalid_request', 'code_verifier is required'],
    ['a malformed verifier', () => ({ code_verifier: 'short' }), 'invalid_request', '43-128'],
    ['another redirect_uri', () => ({ redirect_uri: 'com.cleanapp.mobile:/oauth' }), 'invalid_grant', 'redirect_uri differs'],
    ['another public client', () => ({ client_id: 'other-app' }), 'invalid_grant', 'another client'],
    ['an unknown code', () => ({ code: 'A'.repeat(43) }), 'invalid_grant', 'unknown authorization code'],
  ])('refuses %s, and the real exchange still works afterwards', async (_what, change, error, description) => {
    const p = pkce();
    const code = await signIn(p.challenge);
    const form = Object.fromEntries(Object.entries({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'web', code_verifier: p.verifier, ...change(p) }).filter(([, v]) => v !== ''));
    const refused = await oauthErrorOf(await postToken(form));
    expect(refused).toMatchObject({ status: 400, error });
    expect(refused.error_description).toContain(description);
    // A stolen code tried with the wrong verifier or client does not use up the legitimate client's code.
    await tokens(await exchange(code, p.verifier));
  });

  it('refuses an expired code (60 s)', async () => {
    const { verifier, challenge } = pkce();
    const code = await signIn(challenge);
    clock.now += 60_000;
    expect(await oauthErrorOf(await exchange(code, verifier))).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'authorization code expired' });
  });

  it('accepts a code just inside its lifetime', async () => {
    const { verifier, challenge } = pkce();
    const code = await signIn(challenge);
    clock.now += 59_000;
    await tokens(await exchange(code, verifier));
  });

  it('refuses a code used twice and revokes the refresh token its first use issued', async () => {
    const { verifier, challenge } = pkce();
    const code = await signIn(challenge);
    const first = await tokens(await exchange(code, verifier));
    const again = await oauthErrorOf(await exchange(code, verifier));
    expect(again).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(again.error_description).toContain('already used');
    expect(await oauthErrorOf(await refresh(first.refresh_token))).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'refresh token revoked' });
  });

  it('refuses a public client that sends a secret, and a confidential client using this grant', async () => {
    const { verifier, challenge } = pkce();
    const code = await signIn(challenge);
    const withSecret = await exchange(code, verifier, { client_secret: 'anything' });
    expect(await oauthErrorOf(withSecret)).toMatchObject({ status: 401, error: 'invalid_client' });
    const basic = `Basic ${Buffer.from('svc:svc-secret-value').toString('base64')}`;
    const confidential = await postToken({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, { authorization: basic });
    expect(await oauthErrorOf(confidential)).toMatchObject({ status: 401, error: 'invalid_client' });
    await tokens(await exchange(code, verifier));
  });

  it('refuses a parameter given twice', async () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: 'web' });
    body.append('code', 'y');
    const res = await app.request('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 400, error: 'invalid_request', error_description: 'code is given more than once' });
  });
});

describe('POST /oauth/token, grant_type=refresh_token', () => {
  async function session() {
    const { verifier, challenge } = pkce();
    return tokens(await exchange(await signIn(challenge), verifier));
  }

  it('rotates: a refresh gives a new access and refresh token, and the used one is refused', async () => {
    const first = await session();
    const second = await tokens(await refresh(first.refresh_token));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    const { payload } = await jwtVerify(second.access_token, createLocalJWKSet(keys.jwks()), { issuer: ISSUER, audience: 'cleanapp-api' });
    expect(payload).toMatchObject({ sub: 'user:alice', client_id: 'web', scope: 'report:submit report:read' });
    await tokens(await refresh(second.refresh_token));
  });

  it('detects reuse: a used refresh token revokes the whole family, the newest token too', async () => {
    const first = await session();
    const second = await tokens(await refresh(first.refresh_token));
    const reused = await oauthErrorOf(await refresh(first.refresh_token));
    expect(reused).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(reused.error_description).toContain('already used');
    expect(await oauthErrorOf(await refresh(second.refresh_token))).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'refresh token revoked' });
    // Another session of the same user is not affected.
    await tokens(await refresh((await session()).refresh_token));
  });

  it('refuses scope escalation and allows narrowing', async () => {
    const first = await session();
    const escalated = await oauthErrorOf(await refresh(first.refresh_token, { scope: 'report:read admin' }));
    expect(escalated).toMatchObject({ status: 400, error: 'invalid_scope', error_description: 'beyond the original grant: admin' });
    const narrowed = await tokens(await refresh(first.refresh_token, { scope: 'report:read' }));
    expect(narrowed.scope).toBe('report:read');
    // The refresh token still carries the original grant.
    expect((await tokens(await refresh(narrowed.refresh_token))).scope).toBe('report:submit report:read');
  });

  it('refuses a refresh token of another client, an unknown one and an expired one', async () => {
    const first = await session();
    expect(await oauthErrorOf(await refresh(first.refresh_token, { client_id: 'other-app' }))).toMatchObject({ error: 'invalid_grant', error_description: 'refresh token was issued to another client' });
    expect(await oauthErrorOf(await refresh('B'.repeat(43)))).toMatchObject({ error: 'invalid_grant', error_description: 'unknown refresh token' });
    clock.now += 3600_000;
    expect(await oauthErrorOf(await refresh(first.refresh_token))).toMatchObject({ error: 'invalid_grant', error_description: 'refresh token expired' });
  });
});

describe('the issuer for browsers and services together', () => {
  it('keeps client credentials for services', async () => {
    const basic = `Basic ${Buffer.from('svc:svc-secret-value').toString('base64')}`;
    const body = await tokens(await postToken({ grant_type: 'client_credentials', scope: 'admin' }, { authorization: basic }));
    expect(body.scope).toBe('admin');
    expect(body).not.toHaveProperty('refresh_token');
    expect(await oauthErrorOf(await postToken({ grant_type: 'password', username: 'alice', password: 'correct horse battery', client_id: 'web' }))).toMatchObject({ status: 400, error: 'unsupported_grant_type' });
  });

  it('answers the configured browser origins only (CORS on the token endpoint)', async () => {
    const preflight = (origin: string) => app.request('/oauth/token', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight(APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect((await preflight('http://evil.test')).status).toBe(403);
    const { verifier, challenge } = pkce();
    const res = await exchange(await signIn(challenge), verifier, {});
    expect(res.headers.get('access-control-allow-origin')).toBeNull(); // no Origin header, no CORS headers
    const cross = await postToken({ grant_type: 'refresh_token', refresh_token: (await res.json()).refresh_token, client_id: 'web' }, { origin: APP });
    expect(cross.status).toBe(200);
    expect(cross.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('describes both flows in its discovery document', async () => {
    const doc = await (await app.request('/.well-known/openid-configuration')).json();
    expect(doc).toMatchObject({
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  it.each([
    ['a public client with admin', { scopes: ['report:read', 'admin'] }, 'may not have scope admin'],
    ['a public client named like a service', { clientId: 'svc' }, 'is already a client id'],
    ['a redirect URI with a fragment', { redirectUris: [`${CALLBACK}#x`] }, 'must not have a fragment'],
    ['a relative redirect URI', { redirectUris: ['/callback'] }, 'is not an absolute URL'],
  ])('refuses to start with %s', (_what, change, message) => {
    const config = base();
    expect(() => createIssuerApp({ ...config, publicClients: [{ ...config.publicClients[0]!, ...change }] })).toThrow(message);
  });
});
