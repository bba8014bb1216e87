import { createApiClient } from '@cleanapp/api-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type RunningStack } from './stack.js';
import { canRunThrowawayPostgres, createThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres.js';

describe.skipIf(!canRunThrowawayPostgres())('a database outage', () => {
  let pg: ThrowawayPostgres;
  let stack: RunningStack;

  beforeAll(async () => {
    pg = await createThrowawayPostgres();
    await pg.start();
    stack = await startStack({ databaseUrl: pg.url });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await pg?.destroy();
  }, 60_000);

  it('answers 503 envelopes while the database is down, and recovers when it is back', async () => {
    const api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token() });
    const body = (i: number) => ({ source_id: `db-outage-${stack.id}-${i}`, latitude: 1, longitude: 2, synthetic: true });

    expect((await api.POST('/api/v4/reports', { body: body(1) })).response.status).toBe(202);
    await pg.stop();

    const health = await api.GET('/api/v4/health');
    expect(health.response.status).toBe(503);
    expect(health.error?.error.details).toEqual([expect.objectContaining({ location: 'dependencies/db' })]);
    const submit = await api.POST('/api/v4/reports', { body: body(2) });
    expect(submit.response.status).toBe(503);
    expect(submit.error?.error).toMatchObject({ code: 'unavailable', request_id: submit.response.headers.get('x-request-id') });
    const read = await api.GET('/api/v4/stats');
    expect(read.response.status).toBe(503);

    await pg.start();
    await vi.waitFor(async () => {
      const { status } = (await api.GET('/api/v4/health')).response;
      if (status !== 200) throw new Error(`waiting for health to recover (${status})`);
    }, { timeout: 10_000, interval: 250 });
    expect((await api.POST('/api/v4/reports', { body: body(3) })).response.status).toBe(202);
  }, 60_000);
});
