import type { components } from '@cleanapp/api-client';
import type { PolicyAction, PolicyInput, PolicyResource } from '@cleanapp/contracts';
import type { ErrorHandler } from 'hono';
import type { Principal } from '../auth/verify.js';
import { envelope, errorResponse, HttpError, type ErrorBody, type ErrorCode } from '../http/error/index.js';
import type { HttpEnv } from '../http/exchange/index.js';
import type { PolicyDecider } from '../policy/client.js';

type Envelope = components['schemas']['ErrorEnvelope'];

/** A request the policy decision point denied: the envelope carries the decision's id in the decision log. */
export class PolicyDeniedError extends HttpError {
  constructor(
    status: 403 | 404,
    code: ErrorCode,
    message: string,
    readonly decisionId: string,
  ) {
    super(status, code, message);
  }
}

const withDecision: ErrorBody = (error, requestId) => {
  const body = envelope(error, requestId) as Envelope;
  if (error instanceof PolicyDeniedError) body.error.decision_id = error.decisionId;
  return body;
};

/** The API's error handler, with `decision_id` in the envelope of a policy deny. */
export const withDecisionIds =
  (fallback: ErrorHandler<HttpEnv>): ErrorHandler<HttpEnv> =>
  (error, c) =>
    error instanceof PolicyDeniedError ? errorResponse(error, c.get('exchange'), withDecision) : fallback(error, c);

/**
 * Asks the decision point; resolves with the decision id on allow, throws `deny()` with it otherwise.
 * Without a principal (AUTH_REQUIRED=false, local development) the caller is an anonymous client with no
 * scopes, so the policy still decides, and denies.
 */
export async function enforce(policy: PolicyDecider, principal: Principal | undefined, action: PolicyAction, resource: PolicyResource, requestId: string, deny: (decisionId: string) => PolicyDeniedError): Promise<string> {
  const input: PolicyInput = {
    principal: {
      client_id: principal?.clientId ?? 'anonymous',
      scopes: [...(principal?.scopes ?? [])],
      ...(principal?.syntheticPrefix ? { synthetic_prefix: principal.syntheticPrefix } : {}),
    },
    action,
    resource,
  };
  const decision = await policy.decide(input, requestId);
  if (!decision.result) throw deny(decision.decision_id);
  return decision.decision_id;
}
