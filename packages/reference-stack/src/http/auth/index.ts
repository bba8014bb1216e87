import type { AuthResult, Principal } from '../../auth/verify.js';
import { HttpError } from '../error/index.js';

/** OpenAPI-style security: alternatives of scheme → scopes (empty: public). */
export type Requirements = Record<string, string[]>[];

/** Reading reports: every GraphQL operation and the privileged WebSocket stream. */
export const READ_REQUIREMENT: Requirements = [{ cleanappAuth: ['report:read'] }];

/** What checks credentials (TokenVerifier; a stub in tests). */
export interface Authorizer {
  authorize(authorization: string | undefined, requirements: Requirements): Promise<AuthResult | { ok: true; principal?: undefined }>;
}

/** The one spelling of the challenges (RFC 6750), on every surface. */
export const CHALLENGES = { 401: 'Bearer realm="cleanapp"', 403: 'Bearer error="insufficient_scope"' } as const;

/** The principal behind `authorization`; a refusal is an HttpError 401/403 with its challenge. */
export async function authenticate(authorizer: Authorizer, authorization: string | undefined, requirements: Requirements): Promise<Principal | undefined> {
  const result = await authorizer.authorize(authorization, requirements);
  if (result.ok) return result.principal;
  throw new HttpError(result.status, result.status === 401 ? 'unauthorized' : 'forbidden', result.message, undefined, { 'www-authenticate': CHALLENGES[result.status] });
}

/** The token of an `Authorization: Bearer <token>` value. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
}

/** Who a request without a token is when AUTH_REQUIRED=false (local development only). */
export const ANONYMOUS_DEVELOPER = 'anonymous-developer';

/**
 * AUTH_REQUIRED=false: a request without credentials passes with the scopes its operation asks for; a
 * request that sends a token still has it checked (a bad token is a bug to see, even locally).
 */
export function openAuthorizer(inner: Authorizer): Authorizer {
  return {
    authorize(authorization, requirements) {
      if (authorization !== undefined || requirements.length === 0) return inner.authorize(authorization, requirements);
      return Promise.resolve({ ok: true, principal: { clientId: ANONYMOUS_DEVELOPER, scopes: new Set(requirements.flatMap((r) => Object.values(r).flat())) } });
    },
  };
}
