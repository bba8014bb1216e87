// OAuth2 client-credentials tokens (RFC 6749 §4.4, client_secret_basic) for services. Only `fetch` and `btoa`,
// no Node built-ins, so this stays usable wherever the client is.
import { normaliseScopes, requestToken, type AccessToken, type TokenRequestOptions } from './oauth.js';
import { createTokenSource, type TokenSource, type TokenSourceOptions } from './token-source.js';

/** A confidential client and its token endpoint (the `auth` section of a smoke target has this shape). */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as the `audience` form parameter when set. */
  audience?: string;
}

export type ClientCredentialsOptions = TokenRequestOptions & TokenSourceOptions;

/** One client-credentials request, uncached. */
function requestClientCredentials(client: ClientCredentials, scope: string, options: TokenRequestOptions): Promise<AccessToken> {
  const form = { grant_type: 'client_credentials', scope: scope || undefined, audience: client.audience || undefined };
  // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding (which keeps btoa to ASCII).
  const basic = btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`);
  options.onSecret?.(basic);
  return requestToken(client.tokenUrl, form, { describe: `client ${client.clientId}, scope "${scope}"`, scope, headers: { authorization: `Basic ${basic}` } }, options);
}

/**
 * A token source for a service: client-credentials tokens for `scopes`, renewed shortly before expiry,
 * one request for concurrent callers. Pass it as `createApiClient({ token })`.
 */
export function clientCredentialsTokenSource(client: ClientCredentials, scopes: string | readonly string[], options: ClientCredentialsOptions = {}): TokenSource {
  const scope = normaliseScopes(scopes);
  return createTokenSource(() => requestClientCredentials(client, scope, options), options);
}

export interface FetchTokenOptions extends TokenRequestOptions {
  /** Refresh this long before expiry (default 30 s, capped at half the lifetime); the first call for a scope set fixes it. */
  refreshMarginMs?: number;
  /** Bypass the cache. */
  force?: boolean;
}

// One source per token endpoint + client + audience + scope set, shared by every caller in the process.
const sources = new Map<string, { source: TokenSource; options: FetchTokenOptions }>();

/** Drops every cached token (tests). */
export function clearTokenCache(): void {
  for (const { source } of sources.values()) source.clear();
  sources.clear();
}

/**
 * Gets an access token for `scopes` through the client-credentials grant, cached per token endpoint +
 * client + audience + scope set until shortly before it expires; concurrent callers share one request.
 * (A process-wide cache over `clientCredentialsTokenSource`.)
 */
export function fetchClientCredentialsToken(client: ClientCredentials, scopes: string | readonly string[], options: FetchTokenOptions = {}): Promise<AccessToken> {
  const scope = normaliseScopes(scopes);
  const key = JSON.stringify([client.tokenUrl, client.clientId, client.audience ?? '', scope]);
  let entry = sources.get(key);
  if (!entry) {
    const created: { source?: TokenSource; options: FetchTokenOptions } = { options };
    // The request uses the options of the call that starts it (its fetch, timeout, onSecret).
    created.source = createTokenSource(() => requestClientCredentials(client, scope, created.options), {
      now: () => (created.options.now ?? Date.now)(),
      ...(options.refreshMarginMs !== undefined ? { refreshSkewMs: options.refreshMarginMs } : {}),
    });
    entry = created as { source: TokenSource; options: FetchTokenOptions };
    sources.set(key, entry);
  }
  entry.options = options;
  return entry.source.getToken({ forceRefresh: options.force === true });
}
