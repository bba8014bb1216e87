/** What the transport does on its own: time out, retry what is safe to retry, refresh a rejected token. */
export interface TransportOptions {
  /** Per-attempt timeout in ms (default 10 000; 0 = none). */
  timeoutMs?: number;
  /**
   * Retries of idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) after a network error, a timeout or
   * a 429/502/503/504, with exponential backoff and jitter; `Retry-After` is honoured. POST is never
   * retried (default: 2 retries, 200 ms base, 5 s cap).
   */
  retry?: { retries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Called once after a 401 to get a fresh token; the request is then sent again with it. */
  refreshToken?: () => Promise<string | undefined>;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUS = new Set([429, 502, 503, 504]);

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** One attempt with its own timeout, still honouring the caller's abort signal. */
async function attempt(fetchImpl: (r: Request) => Promise<Response>, request: Request, timeoutMs: number): Promise<Response> {
  if (!timeoutMs) return fetchImpl(request);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort();
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await fetchImpl(new Request(request, { signal: controller.signal }));
  } catch (error) {
    if (timedOut) throw new TimeoutError(`${request.method} ${request.url} timed out after ${timeoutMs} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onCallerAbort);
  }
}

/** Wraps fetch with timeouts, safe retries and one token refresh. Uses only web APIs (browser, React Native, Node). */
export function resilientFetch(fetchImpl: (r: Request) => Promise<Response>, options: TransportOptions = {}): (r: Request) => Promise<Response> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retry?.retries ?? 2;
  const base = options.retry?.baseDelayMs ?? 200;
  const cap = options.retry?.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  return async (original: Request) => {
    // Bodies are streams: keep a pristine copy to re-send.
    const template = original.clone();
    const canRetry = IDEMPOTENT.has(original.method.toUpperCase());
    let authorization = original.headers.get('authorization');
    let refreshed = false;
    let request = original;
    const fresh = () => {
      const next = template.clone();
      if (authorization) next.headers.set('authorization', authorization);
      return next;
    };
    for (let n = 0; ; ) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await attempt(fetchImpl, request, timeoutMs);
      } catch (error) {
        if (original.signal.aborted) throw error; // the caller gave up: never retry that
        failure = error;
      }
      if (response?.status === 401 && options.refreshToken && !refreshed) {
        refreshed = true;
        const token = await options.refreshToken();
        if (token) {
          authorization = `Bearer ${token}`;
          request = fresh(); // a refresh is not a retry: n stays
          continue;
        }
      }
      const retryable = canRetry && n < retries && (failure !== undefined || RETRY_STATUS.has(response!.status));
      if (!retryable) {
        if (failure !== undefined) throw failure;
        return response!;
      }
      const backoff = Math.min(cap, base * 2 ** n) * (0.5 + Math.random() / 2);
      await sleep(response ? (retryAfterMs(response) ?? backoff) : backoff);
      n++;
      request = fresh();
    }
  };
}
