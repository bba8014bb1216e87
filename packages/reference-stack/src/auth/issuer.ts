import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { SignJWT } from 'jose';
import { cors } from '../http/cors/index.js';
import type { HttpEnv } from '../http/exchange/index.js';
import { platformApp, type Ops } from '../http/ops/index.js';
import { authorizeRoutes } from './authorize.js';
import { GrantStore, safeEqual, type Granted, type GrantStoreOptions } from './grants.js';
import type { KeyRing } from './keys.js';
import { checkPublicClients, type PublicClient, type TestUser } from './public-clients.js';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Issued as the `synthetic_prefix` claim: the source_id prefix of the synthetic data this client may delete. */
  syntheticPrefix?: string;
}

export interface IssuerOptions {
  issuer: string;
  audience: string;
  /** Confidential clients (services): client credentials. */
  clients: OAuthClient[];
  /** Apps (no secret): authorization code + PKCE, refresh tokens. */
  publicClients?: PublicClient[];
  /** Who may sign in on the authorization endpoint's form. */
  users?: TestUser[];
  keys: KeyRing;
  tokenTtlSeconds?: number;
  /** Code and refresh token lifetimes, and the clock (tests). */
  grants?: GrantStoreOptions;
  /** Browser origins allowed to call the token endpoint, JWKS and discovery (the API's CORS_ORIGINS). */
  corsOrigins?: string[];
  /** /healthz and /version (the platform standard); the service passes them. */
  ops?: Ops;
}

/** RFC 6749 error response; `invalid_client` also gets the Basic challenge (§5.2). */
function oauthError(status: 400 | 401, error: string, description: string): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...(status === 401 ? { 'www-authenticate': 'Basic realm="cleanapp-token"' } : {}),
    },
  });
}

/** Parameters that must not repeat in a token request (RFC 6749 §3.2). */
const SINGLE = ['grant_type', 'client_id', 'client_secret', 'scope', 'code', 'redirect_uri', 'code_verifier', 'refresh_token'];

/**
 * The token issuer: `POST /oauth/token` (client_credentials for services with client_secret_basic or
 * client_secret_post, scope defaulting to all the client's scopes; authorization_code with PKCE and
 * refresh_token with rotation for public clients), `GET|POST /oauth/authorize` (authorize.ts), the JWKS
 * (`GET /.well-known/jwks.json`) and discovery.
 */
export function createIssuerApp(options: IssuerOptions): Hono<HttpEnv> {
  const publicClients = options.publicClients ?? [];
  checkPublicClients(publicClients, options.users ?? [], options.clients.map((c) => c.clientId));
  const app = platformApp(options.ops);
  const ttl = options.tokenTtlSeconds ?? 900;
  const grants = new GrantStore(options.grants);

  const browser = cors({ origins: options.corsOrigins ?? [], methods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type', 'X-Request-ID'] });
  app.use('/oauth/token', browser);
  app.use('/.well-known/*', browser);

  app.get('/.well-known/jwks.json', (c) => c.json(options.keys.jwks(), 200, { 'cache-control': 'max-age=60' }));
  app.get('/.well-known/openid-configuration', (c) =>
    c.json({
      issuer: options.issuer,
      authorization_endpoint: `${options.issuer}/oauth/authorize`,
      token_endpoint: `${options.issuer}/oauth/token`,
      jwks_uri: `${options.issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      authorization_response_iss_parameter_supported: true,
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  );
  app.get('/health', (c) => c.json({ status: 'ok', service: 'token-issuer' }));
  authorizeRoutes(app, { issuer: options.issuer, clients: publicClients, users: options.users ?? [], grants });

  const sign = (claims: { subject: string; clientId: string; scope: string; syntheticPrefix?: string | undefined }) => {
    const key = options.keys.active;
    return new SignJWT({ scope: claims.scope, client_id: claims.clientId, ...(claims.syntheticPrefix ? { synthetic_prefix: claims.syntheticPrefix } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(claims.subject)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${ttl}s`)
      .setJti(randomUUID())
      .sign(key.privateKey);
  };
  const answer = async (granted: Granted) => {
    const scope = granted.scope.join(' ');
    const accessToken = await sign({ subject: granted.subject, clientId: granted.clientId, scope });
    const body = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope, refresh_token: granted.refreshToken };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  };

  app.post('/oauth/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let form: URLSearchParams;
    if (type.startsWith('application/x-www-form-urlencoded')) form = new URLSearchParams(await c.req.text());
    else if (type.startsWith('application/json')) {
      try {
        const body = (await c.req.json()) as Record<string, unknown>;
        form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
      } catch {
        return oauthError(400, 'invalid_request', 'malformed JSON body');
      }
    } else return oauthError(400, 'invalid_request', 'use application/x-www-form-urlencoded');
    const repeated = SINGLE.find((name) => form.getAll(name).length > 1);
    if (repeated) return oauthError(400, 'invalid_request', `${repeated} is given more than once`);

    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep < 0) return oauthError(401, 'invalid_client', 'malformed Basic credentials');
      clientId = decodeURIComponent(decoded.slice(0, sep));
      clientSecret = decodeURIComponent(decoded.slice(sep + 1));
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code' || grantType === 'refresh_token') {
      // Public clients identify themselves with client_id alone (RFC 6749 §2.3, token_endpoint_auth_method none).
      const app = publicClients.find((cl) => cl.clientId === clientId);
      if (!app) return oauthError(401, 'invalid_client', `${grantType} is for registered public clients; unknown client_id ${clientId ?? '(none)'}`);
      if (clientSecret !== undefined) return oauthError(401, 'invalid_client', 'a public client has no secret; send client_id only');
      let granted;
      if (grantType === 'authorization_code') {
        const code = form.get('code');
        if (!code) return oauthError(400, 'invalid_request', 'code is required');
        granted = grants.redeemCode(code, { clientId: app.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
      } else {
        const token = form.get('refresh_token');
        if (!token) return oauthError(400, 'invalid_request', 'refresh_token is required');
        const scope = form.get('scope')?.split(' ').filter(Boolean);
        granted = grants.refresh(token, { clientId: app.clientId, scope });
      }
      return granted.ok ? answer(granted) : oauthError(400, granted.error, granted.description);
    }
    if (grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'supported: client_credentials, authorization_code, refresh_token');
    }
    const client = options.clients.find((cl) => cl.clientId === clientId);
    if (!client || !clientSecret || !safeEqual(client.clientSecret, clientSecret)) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const denied = requested.filter((s) => !client.scopes.includes(s));
    if (denied.length > 0) return oauthError(400, 'invalid_scope', `not allowed for this client: ${denied.join(' ')}`);
    const scope = (requested.length > 0 ? requested : client.scopes).join(' ');
    const token = await sign({ subject: client.clientId, clientId: client.clientId, scope, syntheticPrefix: client.syntheticPrefix });
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: ttl, scope }, 200, { 'cache-control': 'no-store' });
  });
  return app;
}

/**
 * `id=prefix,id2=prefix2` (OAUTH_SYNTHETIC_PREFIXES) → the clients with their `synthetic_prefix`; an id
 * that names no client is an error (a typo would silently leave a client unable to clean up).
 */
export function withSyntheticPrefixes(clients: OAuthClient[], spec: string): OAuthClient[] {
  const prefixes = new Map<string, string>();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, prefix] = entry.split('=');
    if (!id || !prefix || !/^[A-Za-z0-9._:-]+$/.test(prefix)) throw new Error(`OAUTH_SYNTHETIC_PREFIXES entry "${entry}" must be client_id=prefix (prefix: A-Z a-z 0-9 . _ : -)`);
    if (!clients.some((c) => c.clientId === id)) throw new Error(`OAUTH_SYNTHETIC_PREFIXES names client "${id}", which is not in OAUTH_CLIENTS`);
    prefixes.set(id, prefix);
  }
  return clients.map((c) => (prefixes.has(c.clientId) ? { ...c, syntheticPrefix: prefixes.get(c.clientId)! } : c));
}
