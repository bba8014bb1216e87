import type { MiddlewareHandler } from 'hono';
import { requestIdFrom } from '../request-id/index.js';

/** One request and its response, on any surface: REST, GraphQL, the WebSocket handshake. */
export interface Exchange {
  requestId: string;
  /** performance.now() when the request arrived: X-Process-Time is measured from here. */
  startedAt: number;
}

export type HttpEnv = { Variables: { exchange: Exchange } };

export function beginExchange(header: (name: string) => string | null | undefined): Exchange {
  return { requestId: requestIdFrom(header('x-request-id')), startedAt: performance.now() };
}

/**
 * Headers every response carries on every surface (REST, GraphQL, WebSocket 101 and refusals): the one
 * place to add another. CORS exposes exactly these.
 */
export function exchangeHeaders(exchange: Exchange): Record<string, string> {
  return { 'X-Request-ID': exchange.requestId, 'X-Process-Time': processTime(exchange) };
}

/** Milliseconds since the exchange began, as the header spells them (≥ 0, two decimals). */
export const processTime = (exchange: Exchange): string => Math.max(0, performance.now() - exchange.startedAt).toFixed(2);

/** Hono: begins the exchange and stamps its headers on whatever response leaves, errors included. */
export function exchange(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const current = beginExchange((name) => c.req.header(name));
    c.set('exchange', current);
    await next();
    for (const [name, value] of Object.entries(exchangeHeaders(current))) c.res.headers.set(name, value);
  };
}
