import { createApiClient } from '@cleanapp/api-client';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type RunningStack } from './stack.js';
import { canRunThrowawayRabbit, createThrowawayRabbit, type ThrowawayRabbit } from './testing/throwaway-rabbitmq.js';

const available = await canRunThrowawayRabbit();

describe.skipIf(!available)('a broker restart in the middle of a stream of reports', () => {
  let rabbit: ThrowawayRabbit;
  let stack: RunningStack;

  beforeAll(async () => {
    rabbit = await createThrowawayRabbit();
    await rabbit.start();
    stack = await startStack({ amqpUrl: rabbit.url });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await rabbit?.destroy();
  }, 60_000);

  it('loses nothing: every ingested report is rendered or dead-lettered', async () => {
    const api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token() });

    const accepted: string[] = [];
    const statuses: string[] = [];
    const submit = async (i: number) => {
      const { data, response } = await api.POST('/api/v4/reports', {
        body: { source_id: `restart-${stack.id}-${i}`, latitude: 10 + i / 1000, longitude: 20, title: `bottle ${i}`, description: 'plastic litter', synthetic: true },
      });
      expect(response.status, `report ${i}`).toBe(202); // ingest keeps working while the broker is down
      accepted.push(data!.public_id);
      statuses.push(data!.status);
    };

    for (let i = 0; i < 40; i++) await submit(i);
    await rabbit.stop(); // mid-stream: some reports are still in the analyzer/renderer queues
    const health = await api.GET('/api/v4/health');
    expect(health.response.status).toBe(503);
    for (let i = 40; i < 60; i++) await submit(i);
    await rabbit.start();
    for (let i = 60; i < 80; i++) await submit(i);

    expect(statuses.slice(40, 60).every((s) => s === 'accepted')).toBe(true); // stored, waiting in the outbox

    const done = new Set<string>();
    // Up to 60 s for every report to be rendered or failed; what is still missing then is accounted for below.
    await vi
      .waitFor(async () => {
        for (const id of accepted) {
          if (done.has(id)) continue;
          const r = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: id } } });
          if (r.data?.status === 'rendered' || r.data?.status === 'failed') done.add(id);
        }
        if (done.size < accepted.length) throw new Error(`waiting for ${accepted.length - done.size} reports to be rendered or failed`);
      }, { timeout: 60_000, interval: 250 })
      .catch(() => undefined);
    // Reports never rendered must be in a DLQ; together they account for every accepted report.
    const conn = await connect(rabbit.url);
    const ch = await conn.createChannel();
    let deadLettered = 0;
    for (const canonical of ['report-analysis-queue', 'report-renderer-queue']) {
      const { messageCount } = await ch.checkQueue(`${stack.target.amqp.nameMap[canonical]}.dlq`);
      deadLettered += messageCount;
    }
    await conn.close();
    expect(done.size + deadLettered).toBe(accepted.length);
    expect(done.size, 'rendered (the rest dead-lettered)').toBeGreaterThanOrEqual(accepted.length - 5);
    expect((await api.GET('/api/v4/health')).response.status).toBe(200);
  }, 150_000);
});
