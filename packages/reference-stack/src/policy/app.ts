import { randomUUID } from 'node:crypto';
import { POLICY_DECISION_PATH, policyInputDigest, policyInputProblem, type DecisionLogEntry, type PolicyDecision, type PolicyInput, type PolicyStatus } from '@cleanapp/contracts';
import type { Hono } from 'hono';
import { MAX_BODY_BYTES, readJsonBody } from '../http/body-limit/index.js';
import { HttpError, onHttpError } from '../http/error/index.js';
import type { HttpEnv } from '../http/exchange/index.js';
import { platformApp, type Ops } from '../http/ops/index.js';
import { DatabaseUnavailableError } from '../store/db.js';
import type { PolicyEngine } from './engine.js';
import type { DecisionLog } from './log.js';

export interface PolicyAppDeps {
  engine: PolicyEngine;
  log: DecisionLog;
  /** /healthz and /version (the platform standard). */
  ops?: Ops;
  maxBodyBytes?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ input }` of a decision request, or the 400 naming the first problem (contracts/policy/openapi.yaml). */
function inputOf(body: unknown): PolicyInput {
  const invalid = (location: string, message: string) => new HttpError(400, 'validation_failed', 'The request does not match the contract', [{ location, message }]);
  if (!isObject(body)) throw invalid('body', 'must be a JSON object { "input": … }');
  const extra = Object.keys(body).find((k) => k !== 'input');
  if (extra !== undefined) throw invalid(`body/${extra}`, 'is not a known field');
  if (!('input' in body)) throw invalid('body/input', 'is required');
  const problem = policyInputProblem(body.input);
  if (problem) throw invalid(`body/input${problem.pointer}`, problem.message);
  return body.input as PolicyInput;
}

/**
 * The policy decision point (contracts/policy/openapi.yaml): OPA-style decisions by Cedar, every one
 * written to the decision log before it is answered, so a decision id the caller holds can always be read back.
 */
export function createPolicyApp(deps: PolicyAppDeps): Hono<HttpEnv> {
  const app = platformApp(deps.ops);
  const maxBody = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  app.onError(
    onHttpError(
      (error) => (error instanceof DatabaseUnavailableError ? new HttpError(503, 'unavailable', 'The decision log (database) is unavailable') : undefined),
      (line, error) => console.error(`[policy] ${line}`, error),
    ),
  );

  app.post(`/v1/data/${POLICY_DECISION_PATH}`, async (c) => {
    const input = inputOf(await readJsonBody(c.req.raw, maxBody));
    const result = deps.engine.decide(input);
    const entry: DecisionLogEntry = {
      decision_id: randomUUID(),
      timestamp: new Date().toISOString(),
      path: POLICY_DECISION_PATH,
      input_digest: policyInputDigest(input),
      result,
      revision: deps.engine.revision,
      request_id: c.get('exchange').requestId,
    };
    await deps.log.append(entry);
    const decision: PolicyDecision = { result, decision_id: entry.decision_id, revision: entry.revision };
    return c.json(decision, 200, { 'cache-control': 'no-store' });
  });

  app.get('/v1/status', (c) => {
    const status: PolicyStatus = { revision: deps.engine.revision, loaded_at: deps.engine.loadedAt.toISOString(), engine: deps.engine.engine };
    return c.json(status, 200, { 'cache-control': 'no-store' });
  });

  app.get('/v1/decisions/:decisionId', async (c) => {
    const id = c.req.param('decisionId');
    const entry = id.length <= 128 ? await deps.log.get(id) : undefined;
    if (!entry) throw new HttpError(404, 'not_found', `Decision ${id} not found`);
    return c.json(entry, 200, { 'cache-control': 'no-store' });
  });
  return app;
}
