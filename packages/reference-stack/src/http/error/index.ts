import type { components } from '@cleanapp/api-client';
import type { ErrorHandler } from 'hono';
import { beginExchange, exchangeHeaders, type Exchange, type HttpEnv } from '../exchange/index.js';

type Envelope = components['schemas']['ErrorEnvelope'];
export type ErrorCode = Envelope['error']['code'];
export type ErrorDetail = NonNullable<Envelope['error']['details']>[number];

/** The one error type of every surface: thrown on purpose, it becomes a response with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How a surface spells an error body: the contract's envelope (REST, WebSocket) or GraphQL `errors`. */
export type ErrorBody = (error: HttpError, requestId: string) => unknown;

export const envelope: ErrorBody = (error, requestId): Envelope => ({
  error: { code: error.code, message: error.message, ...(error.details && error.details.length > 0 ? { details: error.details } : {}), request_id: requestId },
});

/** The one place an HttpError becomes a response. */
export function errorResponse(error: HttpError, exchange: Exchange, body: ErrorBody = envelope): Response {
  return new Response(JSON.stringify(body(error, exchange.requestId)), {
    status: error.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...exchangeHeaders(exchange), ...error.headers },
  });
}

/**
 * Hono's error handler: an HttpError as it is, another error as `translate` maps it (a surface's own
 * failures, e.g. a database outage → 503), anything else a logged 500 that reveals nothing.
 */
export function onHttpError(
  translate: (error: unknown) => HttpError | undefined = () => undefined,
  log: (line: string, error: unknown) => void = (line, error) => console.error(line, error),
): ErrorHandler<HttpEnv> {
  return (error, c) => {
    const current = c.get('exchange') ?? beginExchange((name) => c.req.header(name));
    const known = error instanceof HttpError ? error : translate(error);
    if (!known) log(`${current.requestId} unexpected error`, error);
    return errorResponse(known ?? new HttpError(500, 'internal', 'Internal error'), current);
  };
}
