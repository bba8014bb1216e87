import { mask, registerSecret } from './mask.js';
import type { Target } from './target.js';

/** The token endpoint refused, answered nonsense, or could not be reached. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(mask(message));
  }
}

export interface AccessToken {
  accessToken: string;
  tokenType: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
}

export interface FetchTokenOptions {
  fetch?: typeof globalThis.fetch;
  /** Refresh this long before expiry (default 30 s, capped at half the lifetime). */
  refreshMarginMs?: number;
  /** Abort the token request after this long (default 10 s). */
  timeoutMs?: number;
  /** Bypass the cache. */
  force?: boolean;
  now?: () => number;
}

const cache = new Map<string, { token: AccessToken; refreshAt: number }>();
const inflight = new Map<string, Promise<AccessToken>>();

/** Drops every cached token (tests). */
export function clearTokenCache(): void {
  cache.clear();
  inflight.clear();
}

function normaliseScopes(scopes: string | readonly string[]): string {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : [...scopes];
  return [...new Set(list.filter(Boolean))].sort().join(' ');
}

/**
 * Gets an access token for `scopes` through the OAuth2 client-credentials grant (client_secret_basic),
 * cached per token endpoint + client + scope set until shortly before it expires.
 */
export async function fetchToken(target: Pick<Target, 'auth'>, scopes: string | readonly string[], options: FetchTokenOptions = {}): Promise<AccessToken> {
  const auth = target.auth;
  if (!auth) throw new TokenError('the target has no auth section, but a token is needed (add auth.tokenUrl, auth.clientId, auth.clientSecret)');
  registerSecret(auth.clientSecret);
  const scope = normaliseScopes(scopes);
  const key = JSON.stringify([auth.tokenUrl, auth.clientId, auth.audience ?? '', scope]);
  const now = options.now ?? Date.now;
  const hit = cache.get(key);
  if (hit && !options.force && now() < hit.refreshAt) return hit.token;
  const pending = inflight.get(key);
  if (pending && !options.force) return pending;

  const request = (async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    if (auth.audience) body.set('audience', auth.audience);
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding.
    const basic = Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`).toString('base64');
    registerSecret(basic);
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(auth.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: body.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new TokenError(`token endpoint ${auth.tokenUrl} unreachable (${cause})`);
    }
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const code = typeof json?.error === 'string' ? json.error : undefined;
      const description = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
      throw new TokenError(
        `token endpoint ${auth.tokenUrl} answered ${response.status} ${code ?? (text.slice(0, 200) || response.statusText)}${description} (client ${auth.clientId}, scope "${scope}")`,
        response.status,
        code,
      );
    }
    if (!json || typeof json.access_token !== 'string' || json.access_token.length === 0) {
      throw new TokenError(`token endpoint ${auth.tokenUrl} answered ${response.status} without an access_token: ${text.slice(0, 200)}`, response.status);
    }
    const tokenType = typeof json.token_type === 'string' ? json.token_type : 'Bearer';
    if (tokenType.toLowerCase() !== 'bearer') {
      throw new TokenError(`token endpoint ${auth.tokenUrl} answered token_type ${tokenType}, expected Bearer`, response.status);
    }
    registerSecret(json.access_token);
    const lifetimeMs = (typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 300) * 1000;
    const issued = now();
    const token: AccessToken = {
      accessToken: json.access_token,
      tokenType,
      expiresAt: issued + lifetimeMs,
      scope: typeof json.scope === 'string' ? json.scope : scope,
    };
    const margin = Math.min(options.refreshMarginMs ?? 30_000, lifetimeMs / 2);
    cache.set(key, { token, refreshAt: token.expiresAt - margin });
    return token;
  })();
  inflight.set(key, request);
  try {
    return await request;
  } finally {
    inflight.delete(key);
  }
}
