import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { SignJWT } from 'jose';
import type { HttpEnv } from '../http/exchange/index.js';
import { platformApp, type Ops } from '../http/ops/index.js';
import type { KeyRing } from './keys.js';

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
  clients: OAuthClient[];
  keys: KeyRing;
  tokenTtlSeconds?: number;
  /** /healthz and /version (the platform standard); the service passes them. */
  ops?: Ops;
}

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

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

/**
 * OAuth2 client-credentials token endpoint (`POST /oauth/token`) and JWKS (`GET /.well-known/jwks.json`).
 * Accepts client_secret_basic and client_secret_post; scope defaults to all the client's scopes.
 */
export function createIssuerApp(options: IssuerOptions): Hono<HttpEnv> {
  const app = platformApp(options.ops);
  const ttl = options.tokenTtlSeconds ?? 900;

  app.get('/.well-known/jwks.json', (c) => c.json(options.keys.jwks(), 200, { 'cache-control': 'max-age=60' }));
  app.get('/.well-known/openid-configuration', (c) =>
    c.json({
      issuer: options.issuer,
      token_endpoint: `${options.issuer}/oauth/token`,
      jwks_uri: `${options.issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  );
  app.get('/health', (c) => c.json({ status: 'ok', service: 'token-issuer' }));

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
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const client = options.clients.find((cl) => cl.clientId === clientId);
    if (!client || !clientSecret || !safeEqual(client.clientSecret, clientSecret)) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const denied = requested.filter((s) => !client.scopes.includes(s));
    if (denied.length > 0) return oauthError(400, 'invalid_scope', `not allowed for this client: ${denied.join(' ')}`);
    const scope = (requested.length > 0 ? requested : client.scopes).join(' ');
    const key = options.keys.active;
    const token = await new SignJWT({ scope, client_id: client.clientId, ...(client.syntheticPrefix ? { synthetic_prefix: client.syntheticPrefix } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(client.clientId)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${ttl}s`)
      .setJti(randomUUID())
      .sign(key.privateKey);
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
