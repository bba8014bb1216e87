import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseForm } from 'node:querystring';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from './index.js';
import { TokenError } from './oauth.js';
import { base64url, codeChallengeS256, createCodeVerifier, createPkceAuth, memoryStorage, type KeyValueStorage, type PkceOptions } from './pkce.js';

// RFC 7636 Appendix B: these 32 octets give this verifier, whose S256 challenge is this.
const APPENDIX_B_OCTETS = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
const APPENDIX_B_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const APPENDIX_B_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const realCrypto = globalThis.crypto;

afterEach(() => vi.unstubAllGlobals());

describe('PKCE primitives', () => {
  it('makes the RFC 7636 Appendix B verifier from its octets', () => {
    expect(createCodeVerifier((bytes) => (bytes.set(APPENDIX_B_OCTETS), bytes))).toBe(APPENDIX_B_VERIFIER);
  });

  it('gives the Appendix B S256 challenge with WebCrypto', async () => {
    expect(await codeChallengeS256(APPENDIX_B_VERIFIER)).toBe(APPENDIX_B_CHALLENGE);
  });

  it('gives the same challenge without crypto.subtle (plain-http pages, Hermes)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: realCrypto.getRandomValues.bind(realCrypto) });
    expect(await codeChallengeS256(APPENDIX_B_VERIFIER)).toBe(APPENDIX_B_CHALLENGE);
  });

  it('base64url-encodes every length like Node does (no padding)', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = realCrypto.getRandomValues(new Uint8Array(length));
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
  });

  it('verifiers are 43 base64url characters and differ', () => {
    const verifiers = Array.from({ length: 100 }, () => createCodeVerifier());
    for (const v of verifiers) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(verifiers).size).toBe(100);
  });

  it('refuses to start without crypto.getRandomValues, naming react-native-get-random-values (never Math.random)', async () => {
    vi.stubGlobal('crypto', undefined);
    const random = vi.spyOn(Math, 'random');
    const auth = createPkceAuth({ authorizationUrl: 'http://issuer.test/oauth/authorize', tokenUrl: 'http://issuer.test/oauth/token', clientId: 'app', redirectUri: 'http://app.test/cb' });
    await expect(auth.authorizationRequestUrl()).rejects.toThrow(/crypto\.getRandomValues.*react-native-get-random-values.*`random`/s);
    expect(() => createCodeVerifier()).toThrow('react-native-get-random-values');
    expect(random).not.toHaveBeenCalled();
  });

  it('uses a random source the app passes when there is no crypto', async () => {
    vi.stubGlobal('crypto', undefined);
    const random = vi.fn((bytes: Uint8Array) => realCrypto.getRandomValues(bytes));
    const auth = createPkceAuth({ authorizationUrl: 'http://issuer.test/a', tokenUrl: 'http://issuer.test/t', clientId: 'app', redirectUri: 'http://app.test/cb', random });
    const url = new URL(await auth.authorizationRequestUrl());
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(random).toHaveBeenCalledTimes(2); // state and verifier
  });
});

// A tiny issuer: codes bound to a challenge, client and redirect URI; refresh tokens rotate and work once.
// The API route accepts only the newest access token.
interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
}
let server: Server;
let origin: string;
const seen: Seen[] = [];
const codes = new Map<string, { challenge: string; clientId: string; redirectUri: string }>();
const refreshTokens = new Map<string, boolean>(); // token → still usable
let issued = 0;
let lifetimeS = 300;

function issue(res: import('node:http').ServerResponse) {
  issued += 1;
  refreshTokens.set(`rt-${issued}`, true);
  res.end(JSON.stringify({ access_token: `at-${issued}`, token_type: 'Bearer', expires_in: lifetimeS, refresh_token: `rt-${issued}`, scope: 'report:read' }));
}
function refuse(res: import('node:http').ServerResponse, error: string, description: string) {
  res.statusCode = 400;
  res.end(JSON.stringify({ error, error_description: description }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(Object.entries(parseForm(body)).map(([k, v]) => [k, String(v)])); // not URLSearchParams: a test stubs it
      seen.push({ url: req.url ?? '', headers: req.headers, form });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/oauth/token' && form.grant_type === 'authorization_code') {
        const code = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
        if (!code || code.challenge !== challenge || code.clientId !== form.client_id || code.redirectUri !== form.redirect_uri) return refuse(res, 'invalid_grant', 'code, verifier, client or redirect_uri do not match');
        return issue(res);
      }
      if (req.url === '/oauth/token' && form.grant_type === 'refresh_token') {
        if (refreshTokens.get(form.refresh_token ?? '') !== true) return refuse(res, 'invalid_grant', 'refresh token already used or unknown');
        refreshTokens.set(form.refresh_token!, false);
        return issue(res);
      }
      const ok = req.headers.authorization === `Bearer at-${issued}`;
      res.statusCode = ok ? 200 : 401;
      res.end(JSON.stringify(ok ? { status: 'ok' } : { error: { code: 'unauthorized', message: 'stale token', request_id: 'r' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  lifetimeS = 300;
});

const REDIRECT = 'http://app.test/callback';
const options = (extra: Partial<PkceOptions> = {}): PkceOptions => ({
  authorizationUrl: `${origin}/oauth/authorize?prompt=login`,
  tokenUrl: `${origin}/oauth/token`,
  clientId: 'web-app',
  redirectUri: REDIRECT,
  scope: ['report:read', 'report:submit'],
  ...extra,
});

/** What the issuer's authorize endpoint does after the user signs in: remember the challenge, redirect with a code. */
function approve(authorizationUrl: string): string {
  const params = new URL(authorizationUrl).searchParams;
  const code = `code-${codes.size}-${Math.floor(performance.now())}`;
  codes.set(code, { challenge: params.get('code_challenge')!, clientId: params.get('client_id')!, redirectUri: params.get('redirect_uri')! });
  return `${params.get('redirect_uri')}?code=${code}&state=${params.get('state')}`;
}

describe('createPkceAuth', () => {
  it('builds the authorization request: S256 challenge of a stored verifier, state, client, redirect and scope', async () => {
    const storage = memoryStorage();
    const url = new URL(await createPkceAuth(options({ storage, audience: 'cleanapp-api' })).authorizationRequestUrl({ login_hint: 'ana' }));
    expect(url.origin + url.pathname).toBe(`${origin}/oauth/authorize`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({ prompt: 'login', login_hint: 'ana', response_type: 'code', client_id: 'web-app', redirect_uri: REDIRECT, code_challenge_method: 'S256', scope: 'report:read report:submit', audience: 'cleanapp-api' });
    const pending = JSON.parse((await storage.getItem('cleanapp.oauth.web-app.pending'))!) as { state: string; verifier: string };
    expect(params.state).toBe(pending.state);
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(params.code_challenge).toBe(createHash('sha256').update(pending.verifier).digest('base64url'));
  });

  it('exchanges the code as a public client, then refreshes before expiry and stores the rotated refresh token', async () => {
    let now = 1_000_000;
    const storage = memoryStorage();
    const auth = createPkceAuth(options({ storage, now: () => now, refreshSkewMs: 60_000 }));
    const token = await auth.handleCallback(approve(await auth.authorizationRequestUrl()));
    expect(token).toMatchObject({ accessToken: `at-${issued}`, refreshToken: `rt-${issued}`, expiresAt: now + 300_000 });
    const exchange = seen.at(-1)!;
    expect(exchange.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(exchange.headers.authorization).toBeUndefined(); // no secret
    expect(Object.keys(exchange.form).sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(await storage.getItem('cleanapp.oauth.web-app.pending')).toBeUndefined();

    const api = createApiClient({ baseUrl: origin, token: auth.token });
    expect((await api.GET('/api/v4/health')).response.status).toBe(200);
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${token.accessToken}`);

    now += 240_000; // 60 s before expiry: refresh
    const firstRefresh = token.refreshToken!;
    expect(await auth.token()).toBe(`at-${issued}`);
    expect(seen.at(-1)!.form).toEqual({ grant_type: 'refresh_token', refresh_token: firstRefresh, client_id: 'web-app' });
    const stored = JSON.parse((await storage.getItem('cleanapp.oauth.web-app.tokens'))!) as { refreshToken: string };
    expect(stored.refreshToken).toBe(`rt-${issued}`);
    expect(stored.refreshToken).not.toBe(firstRefresh);

    now += 240_000; // and again, with the rotated token (the first one would be refused now)
    expect(await auth.token()).toBe(`at-${issued}`);
    expect(seen.at(-1)!.form.refresh_token).toBe(stored.refreshToken);
  });

  it('a new instance on the same storage (a page reload) uses the stored tokens; a 401 refreshes them', async () => {
    const storage = memoryStorage();
    const first = createPkceAuth(options({ storage }));
    await first.handleCallback(approve(await first.authorizationRequestUrl()));
    const reloaded = createPkceAuth(options({ storage }));
    expect(await reloaded.isSignedIn()).toBe(true);
    const before = seen.length;
    expect(await reloaded.token()).toBe(`at-${issued}`);
    expect(seen.length).toBe(before); // no request: the stored token is still good
    issued += 1; // the API now wants a newer token than the stored one
    const { response } = await createApiClient({ baseUrl: origin, token: reloaded.token }).GET('/api/v4/health');
    expect(response.status).toBe(200);
    expect(seen.at(-2)!.form.grant_type).toBe('refresh_token');
  });

  it('works with async storage (AsyncStorage-like)', async () => {
    const map = new Map<string, string>();
    const storage: KeyValueStorage = {
      getItem: async (k) => map.get(k) ?? null,
      setItem: async (k, v) => void map.set(k, v),
      removeItem: async (k) => void map.delete(k),
    };
    const auth = createPkceAuth(options({ storage, storageKey: 'myapp' }));
    await auth.handleCallback(approve(await auth.authorizationRequestUrl()));
    expect([...map.keys()]).toEqual(['myapp.tokens']);
    await auth.signOut();
    expect(map.size).toBe(0);
    await expect(auth.token()).rejects.toThrow('not signed in (client web-app, scope "report:read report:submit")');
  });

  it('refuses a callback whose state does not match, or when no sign-in was started', async () => {
    const auth = createPkceAuth(options());
    await expect(auth.handleCallback(`${REDIRECT}?code=x&state=y`)).rejects.toThrow('no sign-in in progress');
    const url = await auth.authorizationRequestUrl();
    await expect(auth.handleCallback(`${REDIRECT}?code=x&state=forged`)).rejects.toThrow("the callback's state does not match the sign-in request");
    await expect(auth.handleCallback(`${REDIRECT}?code=x`)).rejects.toThrow("the callback's state is missing");
    // The genuine callback still works after the forged ones.
    expect((await auth.handleCallback(approve(url))).accessToken).toBe(`at-${issued}`);
  });

  it('with `issuer` set, refuses a callback without that iss (RFC 9207) and accepts the one that has it', async () => {
    const auth = createPkceAuth(options({ issuer: origin }));
    const genuine = approve(await auth.authorizationRequestUrl());
    await expect(auth.handleCallback(genuine)).rejects.toThrow("the callback's iss is missing");
    await expect(auth.handleCallback(`${genuine}&iss=${encodeURIComponent('https://evil.test')}`)).rejects.toThrow(`"https://evil.test" is not the issuer this sign-in went to (${origin})`);
    expect((await auth.handleCallback(`${genuine}&iss=${encodeURIComponent(origin)}`)).accessToken).toBe(`at-${issued}`);
  });

  it('turns an error= callback into a TokenError with the OAuth error', async () => {
    const auth = createPkceAuth(options());
    const state = new URL(await auth.authorizationRequestUrl()).searchParams.get('state');
    const err = await auth.handleCallback(`${REDIRECT}?error=access_denied&error_description=user+said+no&state=${state}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).message).toBe('authorization failed: access_denied: user said no (client web-app, scope "report:read report:submit")');
    expect((err as TokenError).oauthError).toBe('access_denied');
  });

  it('reports the OAuth error body of a refused exchange', async () => {
    const auth = createPkceAuth(options());
    const state = new URL(await auth.authorizationRequestUrl()).searchParams.get('state');
    const err = await auth.handleCallback(`${REDIRECT}?code=never-issued&state=${state}`).catch((e: unknown) => e);
    expect((err as TokenError).message).toBe(
      `token endpoint ${origin}/oauth/token answered 400 invalid_grant: code, verifier, client or redirect_uri do not match (client web-app, scope "report:read report:submit")`,
    );
    expect((err as TokenError).oauthError).toBe('invalid_grant');
  });

  it('a refused refresh token ends the session with a clear error; a failed refresh is retried on the next call', async () => {
    const storage = memoryStorage();
    const auth = createPkceAuth(options({ storage }));
    await auth.handleCallback(approve(await auth.authorizationRequestUrl()));
    const stored = JSON.parse((await storage.getItem('cleanapp.oauth.web-app.tokens'))!) as { refreshToken: string };
    refreshTokens.set(stored.refreshToken, false); // revoked by the issuer
    const err = await auth.token({ forceRefresh: true }).catch((e: unknown) => e);
    expect((err as TokenError).message).toMatch(/answered 400 invalid_grant: refresh token already used or unknown .*; the session has ended, sign in again$/);
    expect(await auth.isSignedIn()).toBe(false);

    const second = createPkceAuth(options({ storage, tokenUrl: 'http://127.0.0.1:1/oauth/token' }));
    await storage.setItem('cleanapp.oauth.web-app.tokens', JSON.stringify({ accessToken: 'old', tokenType: 'Bearer', expiresAt: 0, scope: '', refreshToken: 'rt-x', obtainedAt: 0 }));
    await expect(second.token()).rejects.toThrow(/unreachable/);
    expect(await second.isSignedIn()).toBe(true); // a network failure keeps the session for the next try
  });

  it('names a missing option', () => {
    expect(() => createPkceAuth({ ...options(), redirectUri: '' })).toThrow('createPkceAuth: redirectUri is required');
  });

  it("needs neither URL, URLSearchParams nor AbortSignal.timeout (React Native's are partial)", async () => {
    // A fetch over node:http (Node's own internals, not the globals stubbed below) stands in for React Native's.
    const nativeFetch = (async (input: string, init: RequestInit) => {
      const { port } = server.address() as AddressInfo;
      const path = input.slice(origin.length);
      return new Promise<Response>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method, headers: init.headers as Record<string, string> }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(new Response(text, { status: res.statusCode ?? 0 })));
        });
        req.on('error', reject);
        req.end(init.body as string);
      });
    }) as typeof fetch;
    const broken = class {
      constructor() {
        throw new Error('not implemented');
      }
    };
    const auth = createPkceAuth(options({ fetch: nativeFetch, storage: memoryStorage() }));
    vi.stubGlobal('URL', broken);
    vi.stubGlobal('URLSearchParams', broken);
    vi.stubGlobal('AbortSignal', { timeout: undefined });
    const authorizationUrl = await auth.authorizationRequestUrl();
    vi.unstubAllGlobals();
    const callback = approve(authorizationUrl);
    vi.stubGlobal('URL', broken);
    vi.stubGlobal('URLSearchParams', broken);
    vi.stubGlobal('AbortSignal', { timeout: undefined });
    const token = await auth.handleCallback(callback);
    expect(await auth.token({ forceRefresh: true })).not.toBe(token.accessToken);
  });
});
