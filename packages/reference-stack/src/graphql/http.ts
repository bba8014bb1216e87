// Yoga plugins shared by the gateway and the subgraphs: X-Request-ID on every response, and the
// stack's JWT check (401/403 as HTTP statuses with a GraphQL-style error body).
import type { Plugin } from 'graphql-yoga';
import { generateOrKeepRequestId } from '../api/request-id.js';
import type { AuthResult } from '../auth/verify.js';

/** The part of TokenVerifier the GraphQL servers need (so tests can pass a stub). */
export interface Authorizer {
  authorize(authorization: string | undefined, requirements: Record<string, string[]>[]): Promise<AuthResult | { ok: true; principal?: undefined }>;
}

/** The OpenAPI-style security requirement every GraphQL operation has (all of them are reads). */
export const READ_REQUIREMENT: Record<string, string[]>[] = [{ cleanappAuth: ['report:read'] }];

const requestIds = new WeakMap<Request, string>();

/** The request id assigned to a request by `useRequestId` (for logs and forwarding to subgraphs). */
export const requestIdOf = (request: Request | undefined): string | undefined => (request ? requestIds.get(request) : undefined);

export function graphqlErrorResponse(status: number, code: string, message: string, requestId: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code, request_id: requestId } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...extraHeaders },
  });
}

export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIds.set(request, generateOrKeepRequestId(request.headers.get('x-request-id') ?? undefined));
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id && !response.headers.has('x-request-id')) response.headers.set('x-request-id', id);
    },
  };
}

/** Requires a bearer token with `report:read` for everything but the health checks. */
export function useJwtAuth(verifier: Authorizer, requirements = READ_REQUIREMENT): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/health' || url.pathname === '/readiness') return;
      // CORS preflights carry no credentials; yoga answers them.
      if (request.method === 'OPTIONS') return;
      const result = await verifier.authorize(request.headers.get('authorization') ?? undefined, requirements);
      if (result.ok) return;
      const requestId = requestIds.get(request) ?? generateOrKeepRequestId(undefined);
      endResponse(
        result.status === 401
          ? graphqlErrorResponse(401, 'UNAUTHENTICATED', result.message, requestId, { 'www-authenticate': 'Bearer realm="cleanapp"' })
          : graphqlErrorResponse(403, 'FORBIDDEN', result.message, requestId, { 'www-authenticate': 'Bearer realm="cleanapp", error="insufficient_scope", scope="report:read"' }),
      );
    },
  };
}
