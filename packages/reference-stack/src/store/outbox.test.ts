import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, textOf, type Database, type PreparedStatement } from './db.js';
import { OutboxRelay } from './outbox.js';
import { ReportStore } from './reports.js';

let db: Database;
let reports: ReportStore;
const broker = { connected: true, publish: vi.fn<(routingKey: string, payload: unknown, options: { messageId: string }) => Promise<void>>() };
let n = 0;

beforeAll(async () => {
  db = await openDatabase('pglite:memory');
  reports = new ReportStore(db);
});
afterAll(async () => db?.close());
beforeEach(() => {
  broker.connected = true;
  broker.publish.mockReset().mockResolvedValue(undefined);
});

const submit = async () => reports.submit('client', { source_id: `outbox-${++n}`, latitude: 1, longitude: 2, title: 'bottle', synthetic: true });
const status = async (publicId: string) => (await db.query<{ status: string }>('select status from reports where public_id = $1', [publicId])).rows[0]?.status;

describe('the outbox', () => {
  it('holds one event per report and routing key, so reprocessing a message enqueues nothing', async () => {
    const { receipt, event } = await submit();
    expect(event).toMatchObject({ routingKey: 'report.raw', publicId: receipt.public_id });
    // What a worker's write statement does for its event: insert, on conflict do nothing, returning the row.
    const again = await db.query(
      `insert into outbox (event_id, routing_key, payload, public_id) values ($1, 'report.raw', '{}', $2)
       on conflict (public_id, routing_key) do nothing returning id`,
      [randomUUID(), receipt.public_id],
    );
    expect(again.rows).toEqual([]);
  });

  it('publishes after commit: a confirmed report.raw moves its report from accepted to queued', async () => {
    const relay = new OutboxRelay(db, broker);
    const { receipt, event } = await submit();
    expect(await status(receipt.public_id)).toBe('accepted');
    expect(await relay.publishAfterCommit(event)).toBe(true);
    expect(broker.publish).toHaveBeenCalledWith('report.raw', event!.payload, { messageId: event!.eventId, headers: { 'x-retry-count': 0 } });
    expect(await status(receipt.public_id)).toBe('queued');
    expect((await relay.unpublished()).map((e) => e.id)).not.toContain(event!.id);
    expect(await relay.publishAfterCommit(undefined)).toBe(false); // nothing enqueued, nothing sent
    expect(broker.publish).toHaveBeenCalledTimes(1);
  });

  it('keeps an event the broker did not confirm, with the attempt and its error, for the relay loop', async () => {
    const relay = new OutboxRelay(db, broker);
    broker.publish.mockRejectedValueOnce(new Error('broker away'));
    const { receipt, event } = await submit();
    expect(await relay.publishAfterCommit(event)).toBe(false);
    expect(await status(receipt.public_id)).toBe('accepted');
    const row = (await db.query<{ attempts: number; last_error: string; published_at: unknown }>('select * from outbox where id = $1', [event!.id])).rows[0];
    expect(row).toMatchObject({ attempts: 1, last_error: 'broker away', published_at: null });
  });

  it('drains old unpublished events as one round in order; a refused one stays for the next drain; waits for a connection', async () => {
    const relay = new OutboxRelay(db, broker, { minAgeMs: 0 });
    const left = (await relay.unpublished()).length; // the refused event of the test before
    const [a, b] = [(await submit()).event!, (await submit()).event!];
    broker.connected = false;
    expect(await relay.drain()).toBe(0);
    broker.connected = true;
    broker.publish.mockImplementation(async (_key, _payload, o) => {
      if (o.messageId === a.eventId && broker.publish.mock.calls.length <= left + 2) throw new Error('nope');
    });
    expect(await relay.drain()).toBe(left + 1);
    expect((await relay.unpublished()).map((e) => e.eventId)).toEqual([a.eventId]);
    expect(await relay.drain()).toBe(1);
    expect(await relay.unpublished()).toEqual([]);
    expect(broker.publish.mock.calls.slice(-3).map(([, , o]) => o.messageId)).toEqual([a.eventId, b.eventId, a.eventId]);
  });

  it('publishes events committed together as one round, marked with one statement', async () => {
    const statements: string[] = [];
    const counting = { query: (sql: string | PreparedStatement, params?: unknown[]) => (statements.push(textOf(sql)), db.query(sql, params)) } as typeof db;
    const relay = new OutboxRelay(counting, broker, { concurrency: 1 });
    const events = await Promise.all(Array.from({ length: 10 }, async () => (await submit()).event!));
    // The first event goes alone at once; the nine added while it is out go together in the next round.
    expect(await Promise.all(events.map((e) => relay.publishAfterCommit(e)))).toEqual(events.map(() => true));
    expect(broker.publish).toHaveBeenCalledTimes(10);
    const marks = statements.filter((sql) => /update outbox/.test(sql)).length;
    expect(marks).toBeGreaterThanOrEqual(1);
    expect(marks).toBeLessThanOrEqual(2);
    for (const e of events) expect(await status(e.publicId)).toBe('queued');
  });

  it('leaves events younger than minAgeMs to whoever committed them', async () => {
    const relay = new OutboxRelay(db, broker, { minAgeMs: 60_000 });
    await submit();
    expect(await relay.drain()).toBe(0);
    expect(broker.publish).not.toHaveBeenCalled();
  });

  it('goes with its reports when synthetic reports are deleted', async () => {
    await submit();
    expect(await reports.deleteSynthetic('outbox-')).toBe(n);
    expect((await db.query('select 1 from outbox')).rows).toEqual([]);
  });
});
