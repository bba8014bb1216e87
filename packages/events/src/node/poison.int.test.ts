// Every kind of poison on every work queue of the contract: each message ends in that queue's DLQ (or
// is processed), none loops, none is acked silently. Retry-count headers are forged by the publisher.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RoutingKey } from '../index.js';
import { Broker, type DeliveryInfo } from './broker.js';
import { MAX_EVENT_BYTES } from './delivery.js';
import { topologyFromContract } from './topology.js';

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const topology = topologyFromContract({ prefix: `poison-${randomBytes(3).toString('hex')}.` });
const MAX = topology.retry.maxAttempts; // the contract's maximum, kept
topology.retry.delayMs = 100;
const broker = new Broker(url, topology, { expiresMs: 120_000 });
const example = (key: string) => (JSON.parse(readFileSync(join(contractPaths.eventSchemas, `${key}.json`), 'utf8')) as { examples: Record<string, unknown>[] }).examples[0]!;

interface Case {
  name: string;
  body: (key: string) => string;
  contentType?: string;
  retryHeader?: unknown;
  /** Handler calls allowed before it lands in the DLQ (0: refused before the handler). */
  calls: number;
}
const valid = (key: string) => JSON.stringify({ ...example(key), event_id: randomUUID() });
const CASES: Case[] = [
  { name: 'not JSON', body: () => '{"version": 1, "public_id": ', calls: 0 },
  { name: 'JSON array', body: () => '[1, 2, 3]', calls: 0 },
  { name: 'JSON of the wrong shape', body: () => '{"hello": "world"}', calls: 0 },
  { name: 'missing version', body: (k) => JSON.stringify({ ...example(k), version: undefined, event_id: randomUUID() }), calls: 0 },
  { name: 'unknown version', body: (k) => JSON.stringify({ ...example(k), version: 2, event_id: randomUUID() }), calls: 0 },
  { name: 'seq 1e400', body: (k) => valid(k).replace(/"seq":\d+/, '"seq":1e400'), calls: 0 },
  { name: 'wrong content type', body: valid, contentType: 'text/plain', calls: 0 },
  { name: 'empty body', body: () => '', calls: 0 },
  // Valid JSON and schema; only its size is wrong.
  { name: 'huge body', body: (k) => `${valid(k)}${' '.repeat(MAX_EVENT_BYTES)}`, calls: 0 },
  // A handler that always fails, with forged retry counts: never more than the contract's maximum.
  { name: 'retry count -1000000', body: valid, retryHeader: -1_000_000, calls: MAX },
  { name: 'retry count 1e12', body: valid, retryHeader: 1e12, calls: 1 },
  { name: 'retry count "many"', body: valid, retryHeader: 'many', calls: MAX },
  { name: 'retry count "-7"', body: valid, retryHeader: '-7', calls: MAX },
  { name: 'retry count [-1, -2]', body: valid, retryHeader: [-1, -2], calls: MAX },
  { name: 'retry count 2.5', body: valid, retryHeader: 2.5, calls: MAX - 2 },
];

const calls = new Map<string, number>();
const deadLettered = new Map<string, string>();
let conn: ChannelModel;
let publisher: ConfirmChannel;

beforeAll(async () => {
  await broker.start();
  for (const q of topology.queues) {
    await broker.consume(
      q.canonical,
      q.routingKey as RoutingKey,
      async (_payload, info: DeliveryInfo) => {
        calls.set(info.messageId!, (calls.get(info.messageId!) ?? 0) + 1);
        throw new Error('always fails');
      },
      { onDeadLetter: (reason, info) => void deadLettered.set(info.messageId!, reason) },
    );
  }
  conn = await connect(url);
  publisher = await conn.createConfirmChannel();
});
afterAll(async () => {
  await conn?.close().catch(() => undefined);
  await broker.deleteTopology();
  await broker.close();
});

async function drainDlq(queue: string): Promise<Map<string, number>> {
  const ch = await conn.createChannel();
  const ids = new Map<string, number>();
  for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) {
    ids.set(String(m.properties.messageId), (ids.get(String(m.properties.messageId)) ?? 0) + 1);
  }
  await ch.close();
  return ids;
}

describe.each(topology.queues.map((q) => [q.canonical, q] as const))('poison on %s', (_name, queue) => {
  it('dead-letters every kind, each after a bounded number of handler calls, and acks none silently', async () => {
    const ids = CASES.map((c) => `${queue.routingKey}:${c.name}:${randomUUID()}`);
    for (const [i, c] of CASES.entries()) {
      publisher.publish(topology.exchange.name, queue.routingKey, Buffer.from(c.body(queue.routingKey)), {
        messageId: ids[i],
        persistent: true,
        ...(c.contentType ? { contentType: c.contentType } : {}),
        ...(c.retryHeader !== undefined ? { headers: { [topology.retry.countHeader]: c.retryHeader } } : {}),
      });
    }
    await publisher.waitForConfirms();
    const inDlq = new Map<string, number>();
    await vi.waitFor(
      async () => {
        for (const [id, n] of await drainDlq(queue.dlq)) inDlq.set(id, (inDlq.get(id) ?? 0) + n);
        const missing = CASES.filter((_c, i) => !inDlq.has(ids[i]!)).map((c) => c.name);
        if (missing.length > 0) throw new Error(`not in ${queue.dlq} yet: ${missing.join(', ')}`);
      },
      { timeout: 30_000, interval: 200 },
    );
    CASES.forEach((c, i) => {
      const id = ids[i]!;
      expect(inDlq.get(id), `${c.name}: once in the DLQ`).toBe(1);
      expect(calls.get(id) ?? 0, `${c.name}: handler calls`).toBe(c.calls);
      expect(deadLettered.get(id), `${c.name}: onDeadLetter says why`).toMatch(c.calls === 0 ? /^(not JSON|invalid payload)/ : /^gave up after \d attempts: always fails/);
    });
    // Nothing still circulating: the work and retry queues are empty.
    const ch = await conn.createChannel();
    expect((await ch.checkQueue(queue.name)).messageCount).toBe(0);
    expect((await ch.checkQueue(queue.retryQueue)).messageCount).toBe(0);
    await ch.close();
  }, 60_000);
});

// The per-instance live route (report.rendered to each hub) has no DLQ: poison is dropped visibly
// (onDropped with the reason), a failing handler gets one redelivery, and nothing loops.
describe.each(topology.subscriptions.map((s) => [s.canonical, s] as const))('poison on the per-instance %s', (canonical, spec) => {
  it('drops every kind visibly, after at most one redelivery, and acks none silently', async () => {
    const subCalls = new Map<string, number>();
    const dropped = new Map<string, string[]>();
    const sub = await broker.subscribe(
      canonical,
      spec.routingKey as RoutingKey,
      async (_payload, info) => {
        subCalls.set(info.messageId!, (subCalls.get(info.messageId!) ?? 0) + 1);
        throw new Error('push failed');
      },
      { onDropped: (reason, info) => void dropped.set(info.messageId!, [...(dropped.get(info.messageId!) ?? []), reason]) },
    );
    try {
      const ids = CASES.map((c) => `${spec.routingKey}:${c.name}:${randomUUID()}`);
      for (const [i, c] of CASES.entries()) {
        publisher.publish(topology.exchange.name, spec.routingKey, Buffer.from(c.body(spec.routingKey)), {
          messageId: ids[i],
          ...(c.contentType ? { contentType: c.contentType } : {}),
          ...(c.retryHeader !== undefined ? { headers: { [topology.retry.countHeader]: c.retryHeader } } : {}),
        });
      }
      await publisher.waitForConfirms();
      await vi.waitFor(
        () => {
          const missing = CASES.filter((_c, i) => !dropped.has(ids[i]!)).map((c) => c.name);
          if (missing.length > 0) throw new Error(`not dropped yet: ${missing.join(', ')}`);
        },
        { timeout: 15_000, interval: 100 },
      );
      CASES.forEach((c, i) => {
        const id = ids[i]!;
        // Poison never reaches the handler; a valid event that fails is pushed twice at most.
        expect(subCalls.get(id) ?? 0, `${c.name}: handler calls`).toBe(c.calls === 0 ? 0 : 2);
        expect(dropped.get(id), `${c.name}: dropped once, with the reason`).toEqual([expect.stringMatching(c.calls === 0 ? /^(not JSON|invalid payload)/ : /^failed twice: push failed/)]);
      });
      // Nothing loops: a moment later no message has been seen again (the exclusive queue itself cannot
      // be inspected from another connection).
      const seen = JSON.stringify([...subCalls, ...dropped]);
      await new Promise((r) => setTimeout(r, 500));
      expect(JSON.stringify([...subCalls, ...dropped])).toBe(seen);
    } finally {
      await sub.cancel();
    }
  }, 30_000);
});
