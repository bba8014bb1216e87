import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../error/index.js';
import { exchangeHeaders, type Exchange, type HttpEnv } from '../exchange/index.js';

/** Browser access for the configured origins only: others get no CORS headers, and 403 to a preflight. */
export interface CorsOptions {
  origins: readonly string[];
  methods: readonly string[];
  allowHeaders: readonly string[];
}

export const isPreflight = (method: string, header: (name: string) => string | null | undefined) => method === 'OPTIONS' && !!header('access-control-request-method');

const allowed = (options: CorsOptions, origin: string | null | undefined): origin is string => !!origin && options.origins.includes(origin);

/** Headers of an actual response: exposes the exchange's own headers to the allowed origin. */
export function corsHeaders(options: CorsOptions, origin: string | null | undefined, exchange: Exchange): Record<string, string> {
  if (!allowed(options, origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': Object.keys(exchangeHeaders(exchange)).join(', '), vary: 'Origin' };
}

/** The 204 answer to a preflight, or an HttpError 403 for another origin. */
export function preflightResponse(options: CorsOptions, origin: string | null | undefined): Response {
  if (!allowed(options, origin)) throw new HttpError(403, 'forbidden', `Origin ${origin ?? '(none)'} is not allowed`);
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': options.methods.join(', '),
      'access-control-allow-headers': options.allowHeaders.join(', '),
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  });
}

/** Hono: answers preflights and adds CORS headers to every other response. Runs inside `exchange()`. */
export function cors(options: CorsOptions): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (isPreflight(c.req.method, (name) => c.req.header(name))) return preflightResponse(options, origin);
    await next();
    for (const [name, value] of Object.entries(corsHeaders(options, origin, c.get('exchange')))) c.res.headers.set(name, value);
  };
}
