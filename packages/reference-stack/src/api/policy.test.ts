// The API's side of the policy: the input it sends, the envelope of a deny (403 with decision_id) and
// fail-closed when the decision point cannot answer (503, the store untouched).
import { OpenApiValidator, type PolicyInput } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { PolicyUnavailableError, type PolicyDecider } from '../policy/client.js';
import { createApiApp, type ApiDeps } from './app.js';

const principal = { clientId: 'smoke-runner', scopes: new Set(['admin', 'report:read']), syntheticPrefix: 'smoke-' };

function appWith(decide: PolicyDecider['decide']) {
  const deleted: (string | undefined)[] = [];
  const deps = {
    validator: new OpenApiValidator(),
    verifier: { authorize: async () => ({ ok: true, principal }) },
    store: { deleteSynthetic: async (prefix?: string) => (deleted.push(prefix), 2) },
    corsOrigins: [],
    servedContract: {},
    version: { service: 'cleanapp-api' },
    policy: { decide },
  } as unknown as ApiDeps;
  return { app: createApiApp(deps), deleted };
}

const del = (query: string) => ({ path: `/api/v4/admin/reports/synthetic${query}`, init: { method: 'DELETE', headers: { authorization: 'Bearer t', 'x-request-id': 'api-policy-1' } } });

describe('the API asks the decision point', () => {
  it('sends the principal (with its synthetic prefix), action and resource, and the request id; allow → the operation runs', async () => {
    const asked: [PolicyInput, string][] = [];
    const { app, deleted } = appWith(async (input, requestId) => (asked.push([input, requestId]), { result: true, decision_id: 'd-allow', revision: 'sha256:0000000000000000' }));
    const { path, init } = del('?source_id_prefix=smoke-run1-');
    const res = await app.request(path, init);
    expect([res.status, await res.json()]).toEqual([200, { deleted: 2 }]);
    expect(asked).toEqual([
      [{ principal: { client_id: 'smoke-runner', scopes: ['admin', 'report:read'], synthetic_prefix: 'smoke-' }, action: 'synthetic:delete', resource: { type: 'synthetic', source_id_prefix: 'smoke-run1-' } }, 'api-policy-1'],
    ]);
    expect(deleted).toEqual(['smoke-run1-']);
  });

  it('deny → 403 envelope carrying the decision_id; nothing is deleted', async () => {
    const { app, deleted } = appWith(async () => ({ result: false, decision_id: 'd-deny', revision: 'sha256:0000000000000000' }));
    const { path, init } = del('');
    const res = await app.request(path, init);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('policy denies'), request_id: 'api-policy-1', decision_id: 'd-deny' } });
    expect(deleted).toEqual([]);
  });

  it('a decision point that cannot answer → 503 envelope (fail closed); nothing is deleted', async () => {
    const { app, deleted } = appWith(async () => {
      throw new PolicyUnavailableError('unreachable');
    });
    const { path, init } = del('?source_id_prefix=smoke-run1-');
    const res = await app.request(path, init);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(deleted).toEqual([]);
  });
});
