import type { MiddlewareHandler } from 'hono';
import { requestIdFrom } from '../request-id/index.js';

/** One request and its response, on any surface: REST, GraphQL, the WebSocket handshake. */
export interface Exchange {
  requestId: string;
}

export type HttpEnv = { Variables: { exchange: Exchange } };

export function beginExchange(header: (name: string) => string | null | undefined): Exchange {
  return { requestId: requestIdFrom(header('x-request-id')) };
}

/**
 * Headers every response carries on every surface (REST, GraphQL, WebSocket 101 and refusals): the one
 * place to add another. CORS exposes exactly these.
 */
export function exchangeHeaders(exchange: Exchange): Record<string, string> {
  return { 'X-Request-ID': exchange.requestId };
}

/** Hono: begins the exchange and stamps its headers on whatever response leaves, errors included. */
export function exchange(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const current = beginExchange((name) => c.req.header(name));
    c.set('exchange', current);
    await next();
    for (const [name, value] of Object.entries(exchangeHeaders(current))) c.res.headers.set(name, value);
  };
}
