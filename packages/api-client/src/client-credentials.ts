// OAuth2 client-credentials tokens (RFC 6749 §4.4, client_secret_basic). Only `fetch` and `btoa`, no Node
// built-ins, so this stays usable wherever the client is.

/** A confidential client and its token endpoint (the `auth` section of a smoke target has this shape). */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as the `audience` form parameter when set. */
  audience?: string;
}

/** The token endpoint refused, answered nonsense, or could not be reached. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
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
  /** Called with every credential this sends or receives (Basic value, access token), e.g. to mask it in logs. */
  onSecret?: (secret: string) => void;
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
 * Gets an access token for `scopes` through the client-credentials grant, cached per token endpoint +
 * client + audience + scope set until shortly before it expires; concurrent callers share one request.
 */
export async function fetchClientCredentialsToken(client: ClientCredentials, scopes: string | readonly string[], options: FetchTokenOptions = {}): Promise<AccessToken> {
  const scope = normaliseScopes(scopes);
  const key = JSON.stringify([client.tokenUrl, client.clientId, client.audience ?? '', scope]);
  const now = options.now ?? Date.now;
  const hit = cache.get(key);
  if (hit && !options.force && now() < hit.refreshAt) return hit.token;
  const pending = inflight.get(key);
  if (pending && !options.force) return pending;

  const request = (async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    if (client.audience) body.set('audience', client.audience);
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding (which keeps btoa to ASCII).
    const basic = btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`);
    options.onSecret?.(basic);
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(client.tokenUrl, {
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
      throw new TokenError(`token endpoint ${client.tokenUrl} unreachable (${cause})`);
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
        `token endpoint ${client.tokenUrl} answered ${response.status} ${code ?? (text.slice(0, 200) || response.statusText)}${description} (client ${client.clientId}, scope "${scope}")`,
        response.status,
        code,
      );
    }
    if (!json || typeof json.access_token !== 'string' || json.access_token.length === 0) {
      throw new TokenError(`token endpoint ${client.tokenUrl} answered ${response.status} without an access_token: ${text.slice(0, 200)}`, response.status);
    }
    const tokenType = typeof json.token_type === 'string' ? json.token_type : 'Bearer';
    if (tokenType.toLowerCase() !== 'bearer') {
      throw new TokenError(`token endpoint ${client.tokenUrl} answered token_type ${tokenType}, expected Bearer`, response.status);
    }
    options.onSecret?.(json.access_token);
    const lifetimeMs = (typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 300) * 1000;
    const token: AccessToken = {
      accessToken: json.access_token,
      tokenType,
      expiresAt: now() + lifetimeMs,
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
