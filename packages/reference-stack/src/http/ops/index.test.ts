import { describe, expect, it } from 'vitest';
import { health, platformApp, type Ops } from './index.js';

const version: Ops['version'] = { service: 'svc', version: '1.0.0', git_sha: 'abc', build_time: '2026-01-01T00:00:00.000Z', config_version: 'c', runtime_mode: 'embedded', auth_required: true };
const up = async () => ({ status: 'up' as const });
const down = (error: string) => async () => ({ status: 'down' as const, error });

describe('health', () => {
  it('is ok with the state of each dependency the service has (none for some)', async () => {
    expect(await health({ version, checks: { db: up } })).toMatchObject({ status: 'ok', service: 'svc', dependencies: { db: { status: 'up' } } });
    expect((await health({ version, checks: {} })).dependencies).toEqual({});
  });

  it('is a 503 naming every dependency that is down, and why', async () => {
    const error = await health({ version, checks: { amqp: down('ECONNREFUSED'), db: up } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'unavailable', message: 'Dependencies down: amqp', details: [{ location: 'dependencies/amqp', message: 'down: ECONNREFUSED' }] });
  });
});

describe('platformApp', () => {
  const app = platformApp({ version, checks: { db: down('timeout') } }, { healthAliases: ['/health'] });
  app.get('/own', (c) => c.text('mine'));

  it('serves /version, and /healthz (and its alias) as the envelope when a dependency is down', async () => {
    expect(await (await app.request('/version')).json()).toEqual(version);
    for (const path of ['/healthz', '/health']) {
      const res = await app.request(path, { headers: { 'x-request-id': 'rid-h' } });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'Dependencies down: db', details: [{ location: 'dependencies/db', message: 'down: timeout' }], request_id: 'rid-h' } });
    }
  });

  it('leaves other routes to the service and answers unknown ones with the 404 envelope, all with the exchange headers', async () => {
    const own = await app.request('/own');
    expect([own.status, await own.text(), own.headers.has('x-process-time')]).toEqual([200, 'mine', true]);
    const missing = await app.request('/nope', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: 'No route for POST /nope', request_id: missing.headers.get('x-request-id') } });
    expect(Number(missing.headers.get('x-process-time'))).toBeGreaterThanOrEqual(0);
  });
});
