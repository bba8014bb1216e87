// MSW handlers for the contract's OAuth2 token service (securitySchemes.cleanappAuth): `POST <tokenUrl>` with
// client_credentials (services), authorization_code with PKCE S256 and refresh_token with rotation (apps), and
// `GET <authorizeUrl>` answering like an authorization server whose user always approves. Tokens are opaque test
// strings this mock remembers, so the REST handlers (`createHandlers({ auth })`) can accept exactly those.
// The client's own S256 (WebCrypto where there is one, else a bundled SHA-256): the mock must also verify
// in a plain-http page, where crypto.subtle does not exist.
import { codeChallengeS256, generateRequestId } from '@cleanapp/api-client';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { oauthFlows } from './generated/fixtures.js';
import type { OAuthFlowInfo } from './types.js';

/** A client the mock knows. With `clientSecret` it is confidential (client credentials), without it public (PKCE). */
export interface MockOAuthClient {
  clientId: string;
  clientSecret?: string;
  /** Scopes it may be granted; default: every scope of the contract (a public client never gets `admin`). */
  scopes?: readonly string[];
  /** Public clients: the redirect URIs it registered (compared character for character); default: any. */
  redirectUris?: readonly string[];
}

export interface AuthMockOptions {
  /**
   * Origin of the token service, e.g. `https://auth.cleanapp.example`; the endpoints are the contract's paths
   * on it. Default `*`: any origin (as the REST handlers' `baseUrl`).
   */
  issuerUrl?: string;
  /** Token endpoint, overriding `issuerUrl` + the contract's token path. */
  tokenUrl?: string;
  /** Authorization endpoint, overriding `issuerUrl` + the contract's authorization path. */
  authorizeUrl?: string;
  /** The `iss` parameter of authorization responses (RFC 9207, as the reference issuer sends it); default: `issuerUrl`, else the request's origin. */
  issuer?: string;
  /**
   * Registered clients. Default: any `client_id` — with a secret it is a confidential client, without one a
   * public client — allowed every scope of the contract and any redirect URI.
   */
  clients?: readonly MockOAuthClient[];
  /** Access-token lifetime (`expires_in`); default 900 s, as the reference stack's issuer. */
  accessTokenTtlSeconds?: number;
  /** Authorization-code lifetime; default 60 s. */
  codeTtlSeconds?: number;
  /** The clock in epoch milliseconds (tests of expiry); default `Date.now`. */
  now?: () => number;
}

/** What an access token this mock issued grants. */
export interface MockGrant {
  accessToken: string;
  clientId: string;
  /** `service` for client credentials, else the (always approving) test user. */
  subject: string;
  scope: readonly string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  grantType: 'client_credentials' | 'authorization_code' | 'refresh_token';
}

export interface AuthMock {
  /** The token and authorize handlers; pass them to `setupServer`/`setupWorker` with the API handlers. */
  handlers: HttpHandler[];
  /** The URLs the handlers answer, in MSW syntax (starting with `*` for any origin when `issuerUrl` is not given). */
  tokenUrl: string;
  authorizeUrl: string;
  /** The grant behind an access token when this mock issued it and it is neither expired nor revoked. */
  verify(accessToken: string): MockGrant | undefined;
  /** Every access token issued so far, oldest first. */
  readonly issued: readonly MockGrant[];
}

/** The subject of tokens issued through the authorization-code flow (the user who always approves). */
export const MOCK_USER = 'mock-user';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** The contract: "A public client gets only the scopes registered for it (never `admin`)". */
const CONFIDENTIAL_ONLY_SCOPES = ['admin'];

type Flows = Partial<Record<'clientCredentials' | 'authorizationCode', OAuthFlowInfo>>;

/** The contract's path for an endpoint, or a clear error naming the option that replaces it. */
function contractPath(path: string | undefined, what: string, option: string): string {
  if (!path) throw new Error(`@cleanapp/mocks: the contract declares no ${what}; pass createAuthHandlers({ ${option} })`);
  return path;
}
const contractScopes = (): string[] => [...new Set(Object.values(oauthFlows as Record<string, { scopes: readonly string[] }>).flatMap((f) => [...f.scopes]))];

/** A random opaque token (a test value, not a secret: the generator falls back to Math.random without Web Crypto). */
const opaque = (kind: string) => `mock_${kind}_${generateRequestId().replace(/-/g, '')}${generateRequestId().replace(/-/g, '')}`;

function oauthError(status: 400 | 401, error: string, description: string, basicChallenge = false): Response {
  return HttpResponse.json(
    { error, error_description: description },
    { status, headers: { 'cache-control': 'no-store', ...(basicChallenge ? { 'www-authenticate': 'Basic realm="cleanapp-token"' } : {}) } },
  );
}

function isAbsoluteUrl(value: string): boolean {
  try {
    return Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string[];
  expiresAt: number;
  family: string;
}

interface RefreshGrant {
  clientId: string;
  scope: string[];
  family: string;
}

/**
 * The contract's token service as MSW handlers. Every token endpoint answer is what RFC 6749 specifies
 * (JSON, `Cache-Control: no-store`, `error`/`error_description` on failure); access tokens are opaque strings
 * that `verify` (and the REST handlers given `auth`) recognise.
 *
 * ```ts
 * const auth = createAuthHandlers();
 * const server = setupServer(...auth.handlers, ...createHandlers({ baseUrl, auth }));
 * ```
 */
export function createAuthHandlers(options: AuthMockOptions = {}): AuthMock {
  const flows = oauthFlows as Flows;
  const origin = (options.issuerUrl ?? '*').replace(/\/+$/, '');
  const tokenUrl = options.tokenUrl ?? `${origin}${contractPath(flows.authorizationCode?.tokenPath ?? flows.clientCredentials?.tokenPath, 'token endpoint', 'tokenUrl')}`;
  const authorizeUrl = options.authorizeUrl ?? `${origin}${contractPath(flows.authorizationCode?.authorizationPath, 'authorization endpoint', 'authorizeUrl')}`;
  const issuer = options.issuer ?? (origin === '*' ? undefined : origin);
  const now = options.now ?? Date.now;
  const ttlMs = (options.accessTokenTtlSeconds ?? 900) * 1000;
  const codeTtlMs = (options.codeTtlSeconds ?? 60) * 1000;
  const allScopes = contractScopes();

  const codes = new Map<string, PendingCode>();
  const usedCodes = new Map<string, string>(); // code → family, to revoke on reuse
  const refreshTokens = new Map<string, RefreshGrant>();
  const usedRefreshTokens = new Map<string, string>(); // refresh token → family, to revoke on reuse
  const revokedFamilies = new Set<string>();
  const grants = new Map<string, MockGrant>();
  const familyOf = new Map<string, string>(); // access token → its authorization's family (authorization code only)
  const issued: MockGrant[] = [];

  const clientOf = (clientId: string, secret: string | undefined): MockOAuthClient | undefined => {
    if (!options.clients) return { clientId, ...(secret !== undefined ? { clientSecret: secret } : {}) };
    return options.clients.find((c) => c.clientId === clientId);
  };
  /** Requested scopes, or every allowed one; the denied ones when any is not allowed. */
  const grantScope = (client: MockOAuthClient, requested: string | null): { scope: string[] } | { denied: string[] } => {
    const allowed = (client.scopes ?? allScopes).filter((s) => client.clientSecret !== undefined || !CONFIDENTIAL_ONLY_SCOPES.includes(s));
    const asked = (requested ?? '').split(/\s+/).filter(Boolean);
    const denied = asked.filter((s) => !allowed.includes(s));
    return denied.length > 0 ? { denied } : { scope: asked.length > 0 ? [...new Set(asked)] : [...allowed] };
  };

  function issue(clientId: string, subject: string, scope: string[], grantType: MockGrant['grantType'], family?: string): Response {
    const grant: MockGrant = { accessToken: opaque('at'), clientId, subject, scope, expiresAt: now() + ttlMs, grantType };
    grants.set(grant.accessToken, grant);
    if (family !== undefined) familyOf.set(grant.accessToken, family);
    issued.push(grant);
    const body: Record<string, unknown> = { access_token: grant.accessToken, token_type: 'Bearer', expires_in: Math.round(ttlMs / 1000), scope: scope.join(' ') };
    if (family !== undefined) {
      const refreshToken = opaque('rt');
      refreshTokens.set(refreshToken, { clientId, scope, family });
      body.refresh_token = refreshToken;
    }
    return HttpResponse.json(body, { headers: { 'cache-control': 'no-store' } });
  }

  const authorize = http.get(authorizeUrl, ({ request }) => {
    const q = new URL(request.url).searchParams;
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri');
    const client = clientId ? clientOf(clientId, undefined) : undefined;
    // RFC 6749 §4.1.2.1: with an unknown client or a bad redirect_uri, say so here and never redirect.
    if (!clientId || !client) return oauthError(400, 'invalid_client', `unknown client_id ${clientId ?? '(none)'}`);
    if (client.clientSecret !== undefined) return oauthError(400, 'unauthorized_client', `${clientId} is a confidential client; the authorization-code flow is for public clients`);
    if (!redirectUri || !isAbsoluteUrl(redirectUri)) return oauthError(400, 'invalid_request', 'redirect_uri is required and must be an absolute URI');
    if (client.redirectUris && !client.redirectUris.includes(redirectUri)) return oauthError(400, 'invalid_request', `redirect_uri ${redirectUri} is not registered for ${clientId}`);

    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      const state = q.get('state');
      if (state !== null) target.searchParams.set('state', state);
      target.searchParams.set('iss', issuer ?? new URL(request.url).origin);
      return new HttpResponse(null, { status: 302, headers: { location: target.href, 'cache-control': 'no-store' } });
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return back({ error: 'invalid_request', error_description: 'PKCE is required: code_challenge (43 base64url characters) with code_challenge_method=S256' });
    }
    const scope = grantScope(client, q.get('scope'));
    if ('denied' in scope) return back({ error: 'invalid_scope', error_description: `not allowed for this client: ${scope.denied.join(' ')}` });
    const code = opaque('code');
    codes.set(code, { clientId, redirectUri, challenge, scope: scope.scope, expiresAt: now() + codeTtlMs, family: generateRequestId() });
    return back({ code });
  });

  const token = http.post(tokenUrl, async ({ request }) => {
    if (!/^application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? '')) {
      return oauthError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(await request.text());
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    if (basic) {
      let decoded = '';
      try {
        decoded = atob(basic[1]!);
      } catch {
        // not base64: reported as malformed below
      }
      const sep = decoded.indexOf(':');
      if (sep < 0) return oauthError(401, 'invalid_client', 'malformed Basic credentials', true);
      clientId = decodeURIComponent(decoded.slice(0, sep));
      secret = decodeURIComponent(decoded.slice(sep + 1));
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials' && grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials, authorization_code or refresh_token');
    }
    if (!clientId) return oauthError(401, 'invalid_client', 'no client_id (Basic credentials or client_id in the form)', Boolean(basic));
    const client = clientOf(clientId, secret);

    if (grantType === 'client_credentials') {
      if (!client || client.clientSecret === undefined || !secret || client.clientSecret !== secret) {
        return oauthError(401, 'invalid_client', 'unknown client or wrong secret', Boolean(basic));
      }
      const scope = grantScope(client, form.get('scope'));
      if ('denied' in scope) return oauthError(400, 'invalid_scope', `not allowed for this client: ${scope.denied.join(' ')}`);
      return issue(clientId, 'service', scope.scope, 'client_credentials');
    }
    // Public clients identify themselves with client_id alone.
    if (!client || secret !== undefined || client.clientSecret !== undefined) {
      return oauthError(401, 'invalid_client', `${grantType} is for public clients: send client_id only, no secret`, Boolean(basic));
    }

    /** An unknown single-use credential: a replayed one revokes the token family it started (invalid_grant either way). */
    const refuseReplay = (used: Map<string, string>, presented: string, replayed: string, unknown: string) => {
      const family = used.get(presented);
      if (family !== undefined) revokedFamilies.add(family);
      return oauthError(400, 'invalid_grant', family !== undefined ? replayed : unknown);
    };

    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      if (!pending) return refuseReplay(usedCodes, code, 'the code was already used; the tokens it issued are revoked', 'unknown code');
      codes.delete(code);
      usedCodes.set(code, pending.family);
      if (now() >= pending.expiresAt) return oauthError(400, 'invalid_grant', 'the code has expired');
      if (pending.clientId !== clientId) return oauthError(400, 'invalid_grant', 'the code was issued to another client');
      if (form.get('redirect_uri') !== pending.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
      const verifier = form.get('code_verifier');
      if (!verifier || !VERIFIER.test(verifier)) return oauthError(400, 'invalid_request', 'code_verifier is required: 43-128 characters of A-Z a-z 0-9 - . _ ~');
      if ((await codeChallengeS256(verifier)) !== pending.challenge) return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge (S256)');
      return issue(clientId, MOCK_USER, pending.scope, 'authorization_code', pending.family);
    }

    const presented = form.get('refresh_token') ?? '';
    const refresh = refreshTokens.get(presented);
    if (!refresh) return refuseReplay(usedRefreshTokens, presented, 'the refresh token was already used; its family is revoked', 'unknown refresh token');
    if (refresh.clientId !== clientId) return oauthError(400, 'invalid_grant', 'the refresh token was issued to another client');
    if (revokedFamilies.has(refresh.family)) return oauthError(400, 'invalid_grant', 'the refresh token is revoked');
    const asked = form.get('scope')?.split(/\s+/).filter(Boolean);
    const wider = (asked ?? []).filter((s) => !refresh.scope.includes(s));
    if (wider.length > 0) return oauthError(400, 'invalid_scope', `a refresh cannot add scopes: ${wider.join(' ')}`);
    refreshTokens.delete(presented);
    usedRefreshTokens.set(presented, refresh.family);
    return issue(clientId, MOCK_USER, asked && asked.length > 0 ? asked : refresh.scope, 'refresh_token', refresh.family);
  });

  return {
    handlers: [authorize, token],
    tokenUrl,
    authorizeUrl,
    issued,
    verify(accessToken) {
      const grant = grants.get(accessToken);
      const family = familyOf.get(accessToken);
      if (!grant || now() >= grant.expiresAt || (family !== undefined && revokedFamilies.has(family))) return undefined;
      return grant;
    },
  };
}
