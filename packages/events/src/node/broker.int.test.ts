import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReportRawPayload } from '../index.js';
import type { ReportRenderedPayload } from '../index.js';
import { Broker, InvalidPayloadError, PermanentError, type DeliveryInfo } from './broker.js';
import { topologyFromContract } from './topology.js';

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const example = (JSON.parse(readFileSync(join(contractPaths.eventSchemas, 'report.raw.json'), 'utf8')) as { examples: ReportRawPayload[] }).examples[0]!;
const raw = (overrides: Partial<ReportRawPayload> = {}): ReportRawPayload => ({ ...example, event_id: randomUUID(), ...overrides });

// A throwaway topology (unique prefix, short retry delay) on the shared broker.
const topology = topologyFromContract({ prefix: `evt-${randomBytes(3).toString('hex')}.` });
topology.retry.delayMs = 150;
topology.retry.maxAttempts = 3;
const broker = new Broker(url, topology, { expiresMs: 120_000 });

const WAIT = { timeout: 8000, interval: 25 };
const deliveries = (eventId: string) => seen.filter((s) => s.id === eventId).length;

const seen: { id: string; info: DeliveryInfo }[] = [];
const deadLetters: { reason: string; info: DeliveryInfo }[] = [];
const failuresBeforeSuccess = new Map<string, number>();

beforeAll(async () => {
  await broker.start();
  await broker.consume(
    'report-analysis-queue',
    'report.raw',
    async (payload, info) => {
      seen.push({ id: payload.event_id, info });
      const left = failuresBeforeSuccess.get(payload.event_id) ?? 0;
      if (payload.source_id === 'permanent') throw new PermanentError('cannot ever work');
      if (left > 0) {
        failuresBeforeSuccess.set(payload.event_id, left - 1);
        throw new Error('transient');
      }
    },
    { prefetch: 5, onDeadLetter: (reason, info) => deadLetters.push({ reason, info }) },
  );
});
afterAll(async () => {
  await broker.deleteTopology();
  await broker.close();
});

async function dlqMessages(queue: string): Promise<{ body: string; headers: Record<string, unknown> }[]> {
  const conn = await connect(url);
  const ch = await conn.createChannel();
  const out = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (!m) break;
    out.push({ body: m.content.toString(), headers: (m.properties.headers ?? {}) as Record<string, unknown> });
  }
  await conn.close();
  return out;
}

describe('Broker (events over a real RabbitMQ)', () => {
  const q = topology.queues.find((x) => x.canonical === 'report-analysis-queue')!;

  it('refuses to publish a payload that violates its schema', async () => {
    await expect(broker.publish('report.raw', { ...raw(), version: 2 }, { messageId: randomUUID() })).rejects.toBeInstanceOf(InvalidPayloadError);
  });

  it('delivers a published event once and acks it', async () => {
    const p = raw();
    await broker.publish('report.raw', p, { messageId: p.event_id });
    const got = await vi.waitFor(() => {
      const found = seen.find((s) => s.id === p.event_id);
      if (!found) throw new Error('waiting for the delivery');
      return found;
    }, WAIT);
    expect(got.info).toMatchObject({ attempt: 0, messageId: p.event_id, queue: q.name });
  });

  it('retries a transient failure through the retry queue, counting attempts, then succeeds', async () => {
    const p = raw();
    failuresBeforeSuccess.set(p.event_id, 2);
    await broker.publish('report.raw', p, { messageId: p.event_id });
    await vi.waitFor(() => {
      if (deliveries(p.event_id) !== 3) throw new Error(`waiting for 3 deliveries (${deliveries(p.event_id)} so far)`);
    }, WAIT);
    expect(seen.filter((s) => s.id === p.event_id).map((s) => s.info.attempt)).toEqual([0, 1, 2]);
    expect(deadLetters.find((d) => d.info.messageId === p.event_id)).toBeUndefined();
  });

  it('dead-letters after the maximum attempts, and at once for permanent errors and poison messages', async () => {
    const exhausted = raw();
    failuresBeforeSuccess.set(exhausted.event_id, 99);
    const permanent = raw({ source_id: 'permanent' });
    await broker.publish('report.raw', exhausted, { messageId: exhausted.event_id });
    await broker.publish('report.raw', permanent, { messageId: permanent.event_id });
    await broker.publishRaw(topology.exchange.name, 'report.raw', Buffer.from('{not json'), { messageId: 'poison-1' });
    await broker.publishRaw(topology.exchange.name, 'report.raw', Buffer.from(JSON.stringify({ ...raw(), version: 7 })), { messageId: 'poison-2' });
    await vi.waitFor(() => {
      if (deadLetters.length < 4) throw new Error(`waiting for 4 dead letters (${deadLetters.length} so far)`);
    }, WAIT);
    expect(seen.filter((s) => s.id === exhausted.event_id)).toHaveLength(3);
    expect(seen.filter((s) => s.id === permanent.event_id)).toHaveLength(1);
    const reasons = Object.fromEntries(deadLetters.map((d) => [d.info.messageId, d.reason]));
    expect(reasons[exhausted.event_id]).toMatch(/gave up after 3 attempts/);
    expect(reasons['poison-1']).toMatch(/not JSON/);
    expect(reasons['poison-2']).toMatch(/invalid payload: \/version must be equal to constant/);
    const dlq: Awaited<ReturnType<typeof dlqMessages>> = [];
    await vi.waitFor(async () => {
      dlq.push(...(await dlqMessages(q.dlq)));
      if (dlq.length < 4) throw new Error(`waiting for 4 messages in ${q.dlq} (${dlq.length} so far)`);
    }, WAIT);
    expect(dlq).toHaveLength(4);
    const death = (dlq[0]!.headers['x-death'] as { queue: string; reason: string }[])[0]!;
    expect(death).toMatchObject({ queue: q.name, reason: 'rejected' });
  });

  it('returns a retried message only to the queue that failed, not to every queue bound to the key', async () => {
    // A second queue bound to report.raw (another consumer group) must see each event exactly once.
    const conn = await connect(url);
    const ch = await conn.createChannel();
    const other = `${topology.exchange.name}.other`;
    await ch.assertQueue(other, { arguments: { 'x-expires': 60_000 } });
    await ch.bindQueue(other, topology.exchange.name, 'report.raw');
    const p = raw();
    failuresBeforeSuccess.set(p.event_id, 1);
    await broker.publish('report.raw', p, { messageId: p.event_id });
    await vi.waitFor(() => {
      if (deliveries(p.event_id) !== 2) throw new Error(`waiting for 2 deliveries (${deliveries(p.event_id)} so far)`);
    }, WAIT);
    await new Promise((r) => setTimeout(r, 300));
    let copies = 0;
    for (;;) {
      const m = await ch.get(other, { noAck: true });
      if (!m) break;
      if ((JSON.parse(m.content.toString()) as { event_id: string }).event_id === p.event_id) copies++;
    }
    await ch.deleteQueue(other);
    await conn.close();
    expect(copies).toBe(1);
  });
});

describe('Broker.subscribe (per-instance fan-out)', () => {
  const renderedExample = (JSON.parse(readFileSync(join(contractPaths.eventSchemas, 'report.rendered.json'), 'utf8')) as { examples: ReportRenderedPayload[] }).examples[0]!;
  const instances: Broker[] = [];
  afterAll(async () => {
    for (const b of instances) await b.close();
  });

  /** A subscriber on its own connection, as a separate process would have. */
  async function subscriber(fail?: (id: string) => boolean) {
    const b = new Broker(url, topology, { expiresMs: 120_000 });
    instances.push(b);
    await b.start();
    const got: string[] = [];
    const dropped: string[] = [];
    const sub = await b.subscribe(
      'report-notify-queue',
      'report.rendered',
      async (p) => {
        got.push(p.event_id);
        if (fail?.(p.event_id)) throw new Error('push failed');
      },
      { onDropped: (reason) => dropped.push(reason) },
    );
    return { b, sub, got, dropped };
  }

  it('gives every instance every event on its own exclusive queue; consume() refuses a subscription', async () => {
    const [one, two] = [await subscriber(), await subscriber()];
    expect(one.sub.queue).toMatch(new RegExp(`^${topology.subscriptions[0]!.name.replace(/\./g, '\\.')}\\.[0-9a-f]{12}$`));
    expect(one.sub.queue).not.toBe(two.sub.queue);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await broker.publish('report.rendered', { ...renderedExample, event_id: id }, { messageId: id });
    await vi.waitFor(() => {
      expect(one.got).toEqual(ids);
      expect(two.got).toEqual(ids);
    }, WAIT);
    // Exclusive: another connection may not consume an instance's queue.
    const conn = await connect(url);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    await expect(ch.consume(one.sub.queue, () => undefined)).rejects.toThrow(/RESOURCE_LOCKED|exclusive/);
    await conn.close().catch(() => undefined);
    await expect(broker.consume('report-notify-queue', 'report.rendered', async () => undefined)).rejects.toThrow(/per-instance subscription; use subscribe/);
  });

  it('redelivers a failed event once, then drops it; drops invalid payloads; cancel deletes the queue', async () => {
    const failing = randomUUID();
    const s = await subscriber((id) => id === failing);
    await broker.publish('report.rendered', { ...renderedExample, event_id: failing }, { messageId: failing });
    await broker.publishRaw(topology.exchange.name, 'report.rendered', Buffer.from('{"version": 1'), { messageId: 'poison-sub' });
    await vi.waitFor(() => {
      expect(s.got.filter((id) => id === failing)).toHaveLength(2);
      expect(s.dropped).toHaveLength(2);
    }, WAIT);
    expect(s.dropped.sort()).toEqual([expect.stringMatching(/^failed twice: push failed/), expect.stringMatching(/^not JSON/)]);
    await s.sub.cancel();
    const conn = await connect(url);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    await vi.waitFor(() => expect(ch.checkQueue(s.sub.queue)).rejects.toThrow(/NOT_FOUND/), WAIT);
    await conn.close().catch(() => undefined);
  });
  it('settles quietly when the channel closes under a running handler, and the work message goes back to its queue', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    try {
      // A subscription cancelled while its handler runs; the handler then fails (a push to a closed socket).
      const entered = gate();
      const release = gate();
      const b = new Broker(url, topology, { expiresMs: 120_000 });
      instances.push(b);
      await b.start();
      const sub = await b.subscribe('report-notify-queue', 'report.rendered', async () => {
        entered.open();
        await release.opened;
        throw new Error('socket gone');
      });
      const id = randomUUID();
      await broker.publish('report.rendered', { ...renderedExample, event_id: id }, { messageId: id });
      await entered.opened;
      await sub.cancel();
      release.open();

      // A work-queue consumer whose broker shuts down while its handler runs; the handler then succeeds.
      const own = topologyFromContract({ prefix: `evt-${randomBytes(3).toString('hex')}.` });
      const first = new Broker(url, own, { expiresMs: 120_000 });
      const second = new Broker(url, own, { expiresMs: 120_000 });
      instances.push(first, second);
      await first.start();
      const workEntered = gate();
      const workRelease = gate();
      await first.consume('report-analysis-queue', 'report.raw', async () => {
        workEntered.open();
        await workRelease.opened;
      });
      const report = raw();
      await first.publish('report.raw', report, { messageId: report.event_id });
      await workEntered.opened;
      await first.close();
      workRelease.open();
      await second.start();
      const redelivered: DeliveryInfo[] = [];
      await second.consume('report-analysis-queue', 'report.raw', async (p, info) => {
        if (p.event_id === report.event_id) redelivered.push(info);
      });
      await vi.waitFor(() => expect(redelivered).toEqual([expect.objectContaining({ redelivered: true })]), WAIT);
      await second.deleteTopology();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
