import { OpenApiValidator } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { createApiApp, type ApiDeps } from '../api/app.js';
import { parseFaults } from '../faults.js';
import { withApiFaults } from './api.js';

const ORIGIN = 'http://localhost:5173';
const contract = () => ({ components: { schemas: { IngestReceipt: { required: ['public_id', 'seq'], properties: { public_id: {}, seq: {} } } } } });
const deps = (): ApiDeps =>
  ({
    validator: new OpenApiValidator(),
    verifier: { authorize: async (_auth: unknown, requirements: unknown[]) => (requirements.length === 0 ? { ok: true } : { ok: false, status: 401, message: 'no token' }) },
    store: {
      publishedReport: async () => undefined,
      anyReport: async (id: string) => ({ public_id: id, seq: 7, lane: 'quarantine' }),
      submit: async () => ({ receipt: { public_id: 'rpt_AAAAAAAAAAAA', seq: 7, status: 'accepted' } }),
    },
    queries: {
      near: async () => ({ items: [{ public_id: 'near' }, { public_id: 'far' }], next_cursor: null }),
      render: async () => ({ svg: '<svg/>', html: '' }),
    },
    relay: new Proxy({}, { get: () => async () => false }),
    corsOrigins: [ORIGIN],
    servedContract: contract(),
    version: { service: 'cleanapp-api' },
  }) as unknown as ApiDeps;

const appWith = (faults: string, base = deps()) => createApiApp(withApiFaults(base, parseFaults(faults)));
const submit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source_id: 'f-1', latitude: 1, longitude: 2 }) };

describe('API faults, applied at the edges', () => {
  it('none: request id, CORS and auth as usual', async () => {
    const res = await appWith('').request('/version', { headers: { origin: ORIGIN } });
    expect([res.headers.get('x-request-id'), res.headers.get('access-control-allow-origin')]).toEqual([expect.any(String), ORIGIN]);
    expect((await appWith('').request('/api/v4/reports/near?latitude=1&longitude=2')).status).toBe(401);
  });

  it('no-request-id, no-cors: the headers are gone, errors included', async () => {
    for (const path of ['/version', '/nowhere']) {
      const res = await appWith('no-request-id,no-cors').request(path, { headers: { origin: ORIGIN } });
      expect([res.headers.get('x-request-id'), res.headers.get('access-control-allow-origin')]).toEqual([null, null]);
    }
  });

  it('auth-not-enforced, near-unsorted: anyone reads, farthest first', async () => {
    const res = await appWith('auth-not-enforced,near-unsorted').request('/api/v4/reports/near?latitude=1&longitude=2');
    expect(((await res.json()) as { items: { public_id: string }[] }).items.map((r) => r.public_id)).toEqual(['far', 'near']);
  });

  it('quarantine-visible, drop-required-field: a quarantined report is served, without seq', async () => {
    const res = await appWith('auth-not-enforced,quarantine-visible,drop-required-field').request('/api/v4/reports/rpt_AAAAAAAAAAAA');
    expect([res.status, await res.json()]).toEqual([200, { public_id: 'rpt_AAAAAAAAAAAA', lane: 'quarantine' }]);
  });

  it('wrong-status, drop-required-field: ingest answers 200 with a receipt without seq', async () => {
    const res = await appWith('auth-not-enforced,wrong-status,drop-required-field').request('/api/v4/reports', submit);
    expect([res.status, await res.json()]).toEqual([200, { public_id: 'rpt_AAAAAAAAAAAA', status: 'accepted' }]);
  });

  it('card-wrong-type: the card is text/plain', async () => {
    const res = await appWith('auth-not-enforced,card-wrong-type').request('/api/v4/reports/rpt_AAAAAAAAAAAA/card.svg');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('contract-drift: the served contract loses IngestReceipt.seq, the original stays intact', async () => {
    const base = deps();
    const res = await appWith('contract-drift', base).request('/api/v4/openapi.json');
    const served = (await res.json()) as ReturnType<typeof contract>;
    expect(served.components.schemas.IngestReceipt).toEqual({ required: ['public_id'], properties: { public_id: {} } });
    expect(base.servedContract).toEqual(contract());
  });
});
