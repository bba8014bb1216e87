import { getCedarVersion, isAuthorized, validate } from '@cedar-policy/cedar-wasm/nodejs';
import { cedarAuthorizationCall, loadPolicy, loadPolicySchema, policyRevision, policyRevisionOf, type PolicyInput } from '@cleanapp/contracts';

/** A policy text and the revision the decision point reports for it (normally policyRevisionOf(text)). */
export interface PolicySource {
  text: string;
  revision: string;
}

/** The canonical policy of @cleanapp/contracts with its generated revision. */
export const canonicalPolicy = (): PolicySource => ({ text: loadPolicy(), revision: policyRevision });

/** The policy in a file (a deployment's own), with the revision computed from its text. */
export const policyFromText = (text: string): PolicySource => ({ text, revision: policyRevisionOf(text) });

/** Cedar refused a request or a policy (not a deny: an error the caller must see). */
export class PolicyEngineError extends Error {}

/**
 * Cedar through @cedar-policy/cedar-wasm, holding one policy. The policy is validated against
 * cleanapp.cedarschema when loaded, so a broken policy stops the service at start, not at the first request.
 */
export class PolicyEngine {
  readonly loadedAt = new Date();
  readonly engine = `cedar ${getCedarVersion()}`;

  constructor(readonly source: PolicySource) {
    const answer = validate({ schema: loadPolicySchema(), policies: { staticPolicies: source.text }, validationSettings: { mode: 'strict' } });
    const problems = answer.type === 'failure' ? answer.errors.map((e) => e.message) : answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`);
    if (problems.length > 0) throw new PolicyEngineError(`The policy (${source.revision}) does not validate against cleanapp.cedarschema: ${problems.join('; ')}`);
  }

  get revision(): string {
    return this.source.revision;
  }

  /** true = allow. The input must be valid (policyInputProblem); Cedar's default is deny. */
  decide(input: PolicyInput): boolean {
    const answer = isAuthorized(cedarAuthorizationCall(input, this.source.text));
    if (answer.type === 'failure') throw new PolicyEngineError(`Cedar refused the request: ${answer.errors.map((e) => e.message).join('; ')}`);
    const errors = answer.response.diagnostics.errors;
    // A policy that errors while evaluating is skipped by Cedar; surfacing it beats a silent deny.
    if (errors.length > 0) throw new PolicyEngineError(`Policy evaluation failed: ${errors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`);
    return answer.response.decision === 'allow';
  }
}
