import type { AccessToken } from './oauth.js';

export interface TokenSourceOptions {
  /** Fetch a new token this long before the current one expires (default 30 s, capped at half its lifetime). */
  refreshSkewMs?: number;
  now?: () => number;
}

/** What a source asks its grant for: the token it holds (if any) and whether that one was rejected. */
export interface TokenFetchContext {
  current: AccessToken | undefined;
  forceRefresh: boolean;
}

/**
 * A cached access token that renews itself. Call it (it is a `TokenProvider`, so it goes straight into
 * `createApiClient({ token })`) or use `getToken()` for the whole token.
 */
export interface TokenSource {
  (context?: { forceRefresh?: boolean }): Promise<string>;
  getToken(options?: { forceRefresh?: boolean }): Promise<AccessToken>;
  /** Forget the cached token (the next call fetches). */
  clear(): void;
}

/**
 * Wraps a grant (`fetchToken`) with refresh-before-expiry and single flight: concurrent callers share one
 * request; a failed request rejects every caller waiting on it and the next call tries again;
 * `forceRefresh` (the client's retry after a 401) skips the cached token.
 */
export function createTokenSource(fetchToken: (context: TokenFetchContext) => Promise<AccessToken>, options: TokenSourceOptions = {}): TokenSource {
  const now = options.now ?? Date.now;
  const skew = options.refreshSkewMs ?? 30_000;
  if (!(skew >= 0)) throw new RangeError(`refreshSkewMs must be a number ≥ 0, got ${skew}`);
  let cached: { token: AccessToken; refreshAt: number } | undefined;
  let inflight: Promise<AccessToken> | undefined;
  let generation = 0; // bumped by clear(), so a request started before it does not refill the cache

  const getToken = (request: { forceRefresh?: boolean } = {}): Promise<AccessToken> => {
    const forceRefresh = request.forceRefresh === true;
    if (cached && !forceRefresh && now() < cached.refreshAt) return Promise.resolve(cached.token);
    // Whatever is in flight was started after the current token, so it also serves a forced refresh.
    if (inflight) return inflight;
    const started = now();
    const ours = generation;
    const settle = () => {
      if (ours === generation) inflight = undefined;
      return ours === generation;
    };
    const pending = fetchToken({ current: cached?.token, forceRefresh }).then(
      (token) => {
        const lifetime = Math.max(0, token.expiresAt - started);
        if (settle()) cached = { token, refreshAt: token.expiresAt - Math.min(skew, lifetime / 2) };
        return token;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    inflight = pending;
    return pending;
  };

  const source = async (context?: { forceRefresh?: boolean }) => (await getToken(context)).accessToken;
  return Object.assign(source, {
    getToken,
    clear() {
      generation += 1;
      cached = undefined;
      inflight = undefined;
    },
  });
}
