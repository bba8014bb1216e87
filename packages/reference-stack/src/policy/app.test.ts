// The decision point's HTTP API (contracts/policy/openapi.yaml) over the canonical policy and a real
// decision log (PGlite): decisions, their log entries, and the 400/404 envelopes.
import { loadDecisionTable, policyInputDigest, policyRevision, type DecisionLogEntry, type PolicyDecision, type PolicyInput } from '@cleanapp/contracts';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEnv } from '../http/exchange/index.js';
import { runtimeOf, serviceOps } from '../ops.js';
import { checkDb, openDatabase, type Database } from '../store/db.js';
import { createPolicyApp } from './app.js';
import { canonicalPolicy, PolicyEngine, policyFromText } from './engine.js';
import { DecisionLog } from './log.js';

let db: Database;
let app: Hono<HttpEnv>;

beforeAll(async () => {
  db = await openDatabase('pglite:memory');
  const ops = serviceOps('policy', runtimeOf({}), {}, { db: () => checkDb(db) });
  app = createPolicyApp({ engine: new PolicyEngine(canonicalPolicy()), log: new DecisionLog(db), ops });
});
afterAll(async () => db?.close());

const ask = (body: unknown, headers: Record<string, string> = {}) =>
  app.request('/v1/data/cleanapp/authz/allow', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const rows = loadDecisionTable();
const row = (name: string) => rows.find((r) => r.name === name)!.input;
const promoteByModeration = row('the moderation client with admin promotes a report');
const promoteByOther = row('another client with admin promotes a report');

describe('POST /v1/data/cleanapp/authz/allow', () => {
  it('allows, and the decision is in the log with digest, result, revision and request id', async () => {
    const res = await ask({ input: promoteByModeration }, { 'x-request-id': 'pdp-allow-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('pdp-allow-1');
    expect(res.headers.get('x-process-time')).toMatch(/^\d+\.\d{2}$/);
    const decision = (await res.json()) as PolicyDecision;
    expect(decision).toEqual({ result: true, decision_id: expect.any(String), revision: policyRevision });

    const logged = await app.request(`/v1/decisions/${decision.decision_id}`);
    expect(logged.status).toBe(200);
    const entry = (await logged.json()) as DecisionLogEntry;
    expect(entry).toEqual({
      decision_id: decision.decision_id,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      path: 'cleanapp/authz/allow',
      input_digest: policyInputDigest(promoteByModeration),
      result: true,
      revision: policyRevision,
      request_id: 'pdp-allow-1',
    });
    expect(Date.now() - Date.parse(entry.timestamp)).toBeLessThan(60_000);
  });

  it('denies, and logs the deny too', async () => {
    const decision = (await (await ask({ input: promoteByOther })).json()) as PolicyDecision;
    expect(decision.result).toBe(false);
    const entry = (await (await app.request(`/v1/decisions/${decision.decision_id}`)).json()) as DecisionLogEntry;
    expect([entry.result, entry.input_digest]).toEqual([false, policyInputDigest(promoteByOther)]);
  });

  it('decides every row of the canonical table as the table says, each with its own decision id', async () => {
    const ids = new Set<string>();
    for (const r of rows) {
      const decision = (await (await ask({ input: r.input })).json()) as PolicyDecision;
      expect(decision.result ? 'allow' : 'deny', r.name).toBe(r.expect);
      ids.add(decision.decision_id);
    }
    expect(ids.size).toBe(rows.length);
  });

  it.each([
    ['not JSON', '{"input": ', 'bad_request', 'body'],
    ['not an object', [1, 2], 'validation_failed', 'body'],
    ['no input', {}, 'validation_failed', 'body/input'],
    ['an unknown field', { input: promoteByModeration, explain: true }, 'validation_failed', 'body/explain'],
    ['an unknown action', { input: { ...promoteByModeration, action: 'report:burn' } }, 'validation_failed', 'body/input/action'],
    ['no scopes', { input: { ...promoteByModeration, principal: { client_id: 'moderation' } } }, 'validation_failed', 'body/input/principal/scopes'],
    ['a resource that does not fit the action', { input: { ...promoteByModeration, resource: { type: 'synthetic' } } }, 'validation_failed', 'body/input/resource/type'],
  ])('400 envelope for %s, naming where', async (_name, body, code, location) => {
    const res = await ask(body, { 'x-request-id': 'pdp-bad' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; request_id: string; details: { location: string }[] } };
    expect([error.code, error.request_id, error.details[0]!.location]).toEqual([code, 'pdp-bad', location]);
  });

  it('415 for a body that is not JSON by content type', async () => {
    const res = await app.request('/v1/data/cleanapp/authz/allow', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ input: promoteByModeration }) });
    expect(res.status).toBe(415);
  });
});

describe('GET /v1/decisions/{id}', () => {
  it('404 envelope for an unknown decision', async () => {
    const res = await app.request('/v1/decisions/00000000-0000-4000-8000-000000000000', { headers: { 'x-request-id': 'pdp-404' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: unknown }).error).toEqual({ code: 'not_found', message: 'Decision 00000000-0000-4000-8000-000000000000 not found', request_id: 'pdp-404' });
  });
});

describe('GET /v1/status and the platform endpoints', () => {
  it('reports the enforced revision, when it was loaded and the engine', async () => {
    const status = (await (await app.request('/v1/status')).json()) as { revision: string; loaded_at: string; engine: string };
    expect(status.revision).toBe(policyRevision);
    expect(Number.isNaN(Date.parse(status.loaded_at))).toBe(false);
    expect(status.engine).toMatch(/^cedar \d+\.\d+\.\d+/);
  });

  it('answers /healthz (db up) and /version as the policy service', async () => {
    const health = await app.request('/healthz');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { dependencies: { db: { status: string } } }).dependencies.db.status).toBe('up');
    expect(((await (await app.request('/version')).json()) as { service: string }).service).toBe('policy');
  });
});

describe('PolicyEngine', () => {
  it('refuses at load a policy that does not validate against the schema', () => {
    expect(() => new PolicyEngine(policyFromText('permit (principal, action, resource) when { principal.role == "admin" };'))).toThrow(/does not validate against cleanapp\.cedarschema/);
  });

  it('a policy text gets its own revision', () => {
    const input: PolicyInput = promoteByOther;
    const open = new PolicyEngine(policyFromText('permit (principal, action, resource);'));
    expect(open.revision).not.toBe(policyRevision);
    expect(open.decide(input)).toBe(true);
  });
});
