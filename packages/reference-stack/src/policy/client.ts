import { POLICY_DECISION_PATH, type PolicyDecision, type PolicyInput } from '@cleanapp/contracts';

/** The decision point could not be asked or answered oddly: the caller fails closed (503), never allows. */
export class PolicyUnavailableError extends Error {}

/** Asks a decision point over HTTP, as the API would ask an OPA sidecar. */
export interface PolicyDecider {
  decide(input: PolicyInput, requestId: string): Promise<PolicyDecision>;
}

export class PolicyClient implements PolicyDecider {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  async decide(input: PolicyInput, requestId: string): Promise<PolicyDecision> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/v1/data/${POLICY_DECISION_PATH}`, {
        method: 'POST',
        // The API's request id goes along, so the decision log entry names the request it decided.
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new PolicyUnavailableError(`The policy decision point at ${this.baseUrl} is unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => undefined)) as Partial<PolicyDecision> | undefined;
    if (response.status !== 200 || typeof body?.result !== 'boolean' || typeof body.decision_id !== 'string' || typeof body.revision !== 'string') {
      throw new PolicyUnavailableError(`The policy decision point answered ${response.status} without a decision`);
    }
    return { result: body.result, decision_id: body.decision_id, revision: body.revision };
  }
}
