import type { Middleware } from 'openapi-fetch';
import { generateRequestId } from './request-id.js';

/**
 * A bearer token, or a function that returns one. The function is called per request (so it can cache
 * and renew), and once with `forceRefresh: true` after the API answered 401, before the request is re-sent.
 */
export type TokenProvider = string | ((context: { forceRefresh: boolean }) => string | undefined | Promise<string | undefined>);

/**
 * Sets `Authorization: Bearer <token>` unless the request already carries an Authorization header,
 * so a single call can still override the token (the auth suite relies on that).
 */
export function tokenMiddleware(token: TokenProvider): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has('authorization')) return undefined;
      const value = typeof token === 'function' ? await token({ forceRefresh: false }) : token;
      if (value) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/** Gives every request an `X-Request-ID` (kept when the caller set one) for correlation with server logs. */
export function requestIdMiddleware(generate: () => string = generateRequestId): Middleware {
  return {
    onRequest({ request }) {
      if (!request.headers.has('x-request-id')) request.headers.set('x-request-id', generate());
      return request;
    },
  };
}
