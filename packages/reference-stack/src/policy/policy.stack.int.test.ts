// The policy decision point in a running stack: the API asks it over HTTP, a deny is a 403 (or, for
// another client's quarantined report, a 404) envelope whose decision_id is in the decision log, and the
// point itself is a platform service (/healthz, /version, exchange headers, body limit).
import { createApiClient, type ApiClient } from '@cleanapp/api-client';
import { policyInputDigest, policyRevision, type DecisionLogEntry } from '@cleanapp/contracts';
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type RunningStack } from '../stack.js';
import { expectExchangeHeaders, expectOpsEndpoints, expectOversizeEnvelopes } from '../testing/platform.js';

let stack: RunningStack;
let smoke: ApiClient;
let moderation: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  smoke = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token() });
  moderation = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token(undefined, 'moderation') });
}, 60_000);
afterAll(async () => stack?.stop());

type Envelope = { error: { code: string; request_id: string; decision_id?: string } };

async function logged(decisionId: string): Promise<DecisionLogEntry> {
  const res = await fetch(`${stack.urls.policy}/v1/decisions/${decisionId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as DecisionLogEntry;
}

/** A token of another client, signed by the stack's trusted test key. */
async function tokenOf(clientId: string, scope: string): Promise<string> {
  const key = stack.target.auth.testSigningKey as JWK;
  const real = decodeJwt(await stack.token('report:read'));
  return new SignJWT({ iss: real.iss, aud: real.aud, sub: clientId, client_id: clientId, scope })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid! })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(key, 'RS256'));
}

const submitQuarantined = async (label: string) =>
  (await smoke.POST('/api/v4/reports', { body: { source_id: `smoke-policy-${stack.id}-${label}`, latitude: 1, longitude: 2, title: 'held', synthetic: true, lane: 'quarantine' } })).data!.public_id;

describe('the policy decision point as a stack service', () => {
  it('is in the target (policy.url and the services map) and enforces the canonical revision', async () => {
    expect(stack.target.policy).toEqual({ url: stack.urls.policy });
    expect(stack.target.services.policy).toEqual({ baseUrl: stack.urls.policy });
    const status = (await (await fetch(`${stack.urls.policy}/v1/status`)).json()) as { revision: string };
    expect(status.revision).toBe(policyRevision);
  });

  it('answers /healthz (db) and /version, the exchange headers and the 413/431 envelopes', async () => {
    await expectOpsEndpoints(stack.urls.policy, 'policy', { authRequired: true, runtimeMode: 'embedded', dependencies: ['db'] });
    await expectOversizeEnvelopes(stack.urls.policy, '/v1/data/cleanapp/authz/allow');
    expectExchangeHeaders((await fetch(`${stack.urls.policy}/v1/status`, { headers: { 'x-request-id': 'pdp-status' } })).headers, 'pdp-status');
  });
});

describe('the API enforces the policy through the decision point', () => {
  it('promote by an admin that is not the moderation client: 403 envelope whose decision_id is a logged deny of this request', async () => {
    const id = await submitQuarantined('promote');
    const res = await fetch(`${stack.target.rest.baseUrl}/api/v4/admin/reports/${id}/promote`, { method: 'POST', headers: { authorization: `Bearer ${await stack.token()}`, 'x-request-id': `deny-${stack.id}` } });
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as Envelope;
    expect(error.code).toBe('forbidden');
    expect(error.decision_id).toEqual(expect.any(String));
    const entry = await logged(error.decision_id!);
    expect(entry).toMatchObject({ result: false, revision: policyRevision, path: 'cleanapp/authz/allow', request_id: `deny-${stack.id}` });
    // The digest is of the input the API built: principal, action, resource with the submitter.
    expect(entry.input_digest).toBe(
      policyInputDigest({
        principal: { client_id: 'smoke-runner', scopes: ['report:submit', 'report:read', 'admin'], synthetic_prefix: 'smoke-' },
        action: 'report:promote',
        resource: { type: 'report', public_id: id, lane: 'quarantine', submitted_by: 'smoke-runner' },
      }),
    );
    expect((await smoke.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: id } } })).data?.lane).toBe('quarantine');
  });

  it('promote by the moderation client: 200, the report is published', async () => {
    const id = await submitQuarantined('moderated');
    const promoted = await moderation.POST('/api/v4/admin/reports/{public_id}/promote', { params: { path: { public_id: id } } });
    expect([promoted.response.status, promoted.data?.lane]).toEqual([200, 'publish']);
  });

  it('promote of an unknown report: 403 for a non-moderator (no existence leak), 404 for moderation', async () => {
    const path = { params: { path: { public_id: 'rpt_AAAAAAAAAAAA' } } };
    expect((await smoke.POST('/api/v4/admin/reports/{public_id}/promote', path)).response.status).toBe(403);
    expect((await moderation.POST('/api/v4/admin/reports/{public_id}/promote', path)).response.status).toBe(404);
  });

  it("another client's quarantined report: the 404 envelope of an unknown id, with the decision_id of the deny", async () => {
    const id = await submitQuarantined('hidden');
    const other = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports/${id}`, { headers: { authorization: `Bearer ${await tokenOf(`other-${stack.id}`, 'report:read')}` } });
    expect(other.status).toBe(404);
    const { error } = (await other.json()) as Envelope;
    expect([error.code, (await logged(error.decision_id!)).result]).toEqual(['not_found', false]);
    expect((await smoke.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: id } } })).response.status).toBe(200);
  });

  it('synthetic deletes: inside the caller\'s prefix 200, outside it or without a prefix 403 with a decision_id', async () => {
    const outside = await smoke.DELETE('/api/v4/admin/reports/synthetic', { params: { query: { source_id_prefix: 'load-test-' } } });
    const everything = await smoke.DELETE('/api/v4/admin/reports/synthetic', {});
    for (const res of [outside, everything]) {
      expect(res.response.status).toBe(403);
      expect((await logged(res.error!.error.decision_id!)).result).toBe(false);
    }
    const inside = await smoke.DELETE('/api/v4/admin/reports/synthetic', { params: { query: { source_id_prefix: `smoke-policy-${stack.id}-` } } });
    expect(inside.response.status).toBe(200);
    expect(inside.data!.deleted).toBeGreaterThanOrEqual(3);
  });
});
