import { loadAsyncApi } from '@cleanapp/contracts';
import { brokerName, openTap, suiteContext } from '@cleanapp/smoke-kit';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ctx = suiteContext();

interface QueueChannel {
  address: string;
  'x-cleanapp-binds-to'?: string;
  'x-cleanapp-per-instance'?: boolean;
  bindings?: { amqp?: { is?: string } };
}
// The topology as the contract declares it: every queue channel and the routing key it is bound to.
const contract = loadAsyncApi() as { channels: Record<string, QueueChannel>; 'x-cleanapp-topology': { deadLetterExchange: { name: string }; retry: { queueSuffix: string; dlqSuffix: string } } };
// Per-instance subscriptions (each hub's own exclusive queue) have no fixed name to check; the websocket suite sees them work.
const queues = Object.values(contract.channels).filter((c) => c.bindings?.amqp?.is === 'queue' && !c['x-cleanapp-per-instance']);
const { retry, deadLetterExchange } = contract['x-cleanapp-topology'];

describe.skipIf(!ctx.target.amqp)(ctx.target.amqp ? 'broker' : 'broker (skipped: the target has no amqp section)', () => {
  let conn: ChannelModel;
  let tap: Awaited<ReturnType<typeof openTap>>;
  const poisonId = `smoke-poison-${ctx.runId}`;

  beforeAll(async () => {
    conn = await connect(ctx.target.amqp!.url, { timeout: 5000 });
    tap = await openTap(ctx.target, ['report.raw', 'report.analysed', 'report.rendered']);
  });
  afterAll(async () => {
    await tap?.close();
    await conn?.close().catch(() => undefined);
  });

  /** A passive declare answers for an existing object and closes the channel (404) otherwise. */
  async function passive<T>(check: (ch: Awaited<ReturnType<ChannelModel['createChannel']>>) => Promise<T>): Promise<T> {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    try {
      return await check(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  it('the exchange and the dead-letter exchange exist', async () => {
    for (const name of [brokerName(ctx.target, 'cleanapp-exchange'), brokerName(ctx.target, deadLetterExchange.name)]) {
      await expect(passive((ch) => ch.checkExchange(name)), `exchange ${name}`).resolves.toBeTruthy();
    }
  });

  it.each(queues.map((q) => [q.address, q['x-cleanapp-binds-to']] as const))('queue %s (for %s) exists with a consumer, a DLQ and a retry queue', async (canonical) => {
    const name = brokerName(ctx.target, canonical);
    const work = await passive((ch) => ch.checkQueue(name));
    expect(work.consumerCount, `consumers on ${name}`).toBeGreaterThanOrEqual(1);
    await expect(passive((ch) => ch.checkQueue(`${name}${retry.dlqSuffix}`)), `${name}${retry.dlqSuffix}`).resolves.toBeTruthy();
    await expect(passive((ch) => ch.checkQueue(`${name}${retry.queueSuffix}`)), `${name}${retry.queueSuffix}`).resolves.toBeTruthy();
  });

  it('a poison message on report.raw ends in the analysis queue\'s DLQ, not requeued forever', async () => {
    const confirm = await conn.createConfirmChannel();
    await new Promise<void>((resolve, reject) =>
      confirm.publish(brokerName(ctx.target, 'cleanapp-exchange'), 'report.raw', Buffer.from('{"version": 1, "poison": '), { messageId: poisonId, mandatory: true, contentType: 'application/json' }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    await confirm.close();
    const dlq = `${brokerName(ctx.target, 'report-analysis-queue')}${retry.dlqSuffix}`;
    const ch = await conn.createChannel();
    try {
      await vi.waitFor(
        async () => {
          // Look through the whole DLQ: someone else's messages stay unacked (so the next get moves on)
          // and are put back afterwards.
          const others = [];
          try {
            for (let msg = await ch.get(dlq, { noAck: false }); msg; msg = await ch.get(dlq, { noAck: false })) {
              if (msg.properties.messageId === poisonId) {
                ch.ack(msg); // ours: remove it
                return;
              }
              others.push(msg);
            }
          } finally {
            for (const msg of others) ch.nack(msg, false, true); // someone else's: leave it
          }
          throw new Error(`waiting for poison message ${poisonId} in ${dlq} within 8 s`);
        },
        { timeout: 8000, interval: 100 },
      );
    } finally {
      await ch.close();
    }
  });

  it('every pipeline message observed during the suite validates against its schema', async () => {
    await ctx.api('report:submit').POST('/api/v4/reports', { body: { source_id: ctx.sourceId('events'), latitude: 1, longitude: 1, title: 'bin', synthetic: true } });
    await vi.waitFor(() => tap.first((m) => m.routingKey === 'report.rendered', 'a report.rendered'), { timeout: 10_000, interval: 25 });
    // Deliberate poison probes (this run's and any other smoke run's: smoke-poison-*) are invalid on purpose.
    const invalid = tap.messages.filter((m) => !m.messageId?.startsWith('smoke-poison-') && m.problems.length > 0).map((m) => `${m.routingKey}: ${m.problems.join('; ')}`);
    expect(invalid).toEqual([]);
  });
});
