import { buildCurl, type RecordedRequest } from './curl.js';
import { mask } from './mask.js';

export interface RecordedResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body exactly as received (decoded as UTF-8). */
  text: string;
}

/** One request/response pair seen by a recording fetch. */
export interface Exchange {
  request: RecordedRequest;
  response: RecordedResponse;
  durationMs: number;
}

const exchanges = new WeakMap<Response, Exchange>();

/** The exchange a recording fetch stored for `response`, if it went through one. */
export function exchangeOf(response: Response): Exchange | undefined {
  return exchanges.get(response);
}

/** The request as a `curl` line (masked), or a note when the response was not recorded. */
export function curlOf(response: Response): string {
  const exchange = exchanges.get(response);
  return exchange ? buildCurl(exchange.request) : `(request not recorded: ${response.url || 'unknown URL'}; use the smoke-kit clients or ctx.fetch to get a curl line)`;
}

/** A request that never got an HTTP answer (connection refused, DNS, timeout). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    message: string,
    readonly curl: string,
  ) {
    super(mask(`${message}\n  reproduce: ${curl}`));
  }
}

async function recordRequest(request: Request): Promise<RecordedRequest> {
  const headers: [string, string][] = [];
  request.headers.forEach((value, name) => headers.push([name, value]));
  const recorded: RecordedRequest = { method: request.method, url: request.url, headers };
  if (request.body !== null) recorded.body = await request.clone().text();
  return recorded;
}

/**
 * Wraps `fetch` so every response remembers its request and raw body (for contract checks and the
 * `curl` line of a failed check). Transport failures become `HttpError`s that carry the curl line.
 */
export function recordingFetch(
  inner: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init),
  options: { timeoutMs?: number } = {},
): typeof globalThis.fetch {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const recorded = await recordRequest(request);
    const started = performance.now();
    let response: Response;
    try {
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
      response = await inner(new Request(request, { signal }));
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      const cause = timedOut ? `no answer within ${timeoutMs / 1000} s` : ((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
      throw new HttpError(`${request.method} ${request.url} failed: ${cause}`, buildCurl(recorded));
    }
    const text = await response.clone().text();
    exchanges.set(response, {
      request: recorded,
      response: { status: response.status, statusText: response.statusText, headers: response.headers, text },
      durationMs: performance.now() - started,
    });
    return response;
  };
}
