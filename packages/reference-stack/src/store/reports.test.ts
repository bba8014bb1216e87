import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, textOf, type Database, type PreparedStatement } from './db.js';
import { ReportStore, storableInstant } from './reports.js';

describe('storableInstant', () => {
  it.each([
    // PostgreSQL refuses a leap second with a fraction and would move :60 on 9999-12-31 into year 10000.
    ['2016-12-31T23:59:60.5Z', '2016-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:60Z', '9999-12-31T23:59:59.999Z'],
    ['2017-01-01t08:59:60+09:00', '2017-01-01t08:59:59.999+09:00'],
    // Rounding to the microsecond would carry into year 10000; cutting cannot.
    ['9999-12-31T23:59:59.9999999Z', '9999-12-31T23:59:59.999Z'],
    ['2026-06-30T12:00:00.123456789012345678901234567890+05:45', '2026-06-30T12:00:00.123+05:45'],
    ['2026-06-30T12:00:00.1Z', '2026-06-30T12:00:00.1Z'],
    ['2026-06-30T12:00:00Z', '2026-06-30T12:00:00Z'],
  ])('%s → %s', (input, stored) => {
    expect(storableInstant(input)).toBe(stored);
  });
});

describe('ReportStore.submit (report row and its report.raw event in one statement)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase('pglite:memory');
  });
  afterAll(async () => db?.close());

  it.each([
    ['2026-06-30T12:00:00.123456+05:45', 'bottle'],
    ['9999-12-31T23:59:59-01:00', 'year 10000 in UTC'],
    [undefined, 'lone \ud800 surrogate'],
  ])('the event says what the report row holds (reported_at %s, title %s)', async (reportedAt, title) => {
    {
      const reports = new ReportStore(db);
      const body = { source_id: `event-${reportedAt ?? "now"}`, latitude: 52.123456789, longitude: -0.1, title, tags: ['a'], synthetic: true, ...(reportedAt ? { reported_at: reportedAt } : {}) };
      const { receipt, event } = await reports.submit('client', body);
      const report = (await reports.anyReport(receipt.public_id))!;
      const seq = (await db.query<{ seq: number }>('select seq from reports where public_id = $1', [receipt.public_id])).rows[0]!.seq;
      expect(event).toMatchObject({ routingKey: 'report.raw', publicId: receipt.public_id });
      expect(event!.payload).toEqual({
        version: 1,
        event_id: event!.eventId,
        public_id: receipt.public_id,
        receipt_id: receipt.receipt_id,
        seq: Number(seq),
        source_id: body.source_id,
        lane: 'publish',
        content_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        submitted_at: report.created_at,
        report: { latitude: 52.123456789, longitude: -0.1, title: report.title, description: '', tags: ['a'], reported_at: report.reported_at, synthetic: true },
      });
      // A replay stores nothing and enqueues nothing.
      expect(await reports.submit('client', body)).toEqual({ receipt: { ...receipt, idempotency_replay: true } });
    }
  });
});

describe('ReportStore.submit under concurrency (one statement per batch of submissions)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase('pglite:memory');
  });
  afterAll(async () => db?.close());

  it('stores concurrent submissions together; a repeated source_id in the same batch is a replay; a refused one fails alone', async () => {
    const statements: string[] = [];
    const counting = { ...db, query: (sql: string | PreparedStatement, params?: unknown[]) => (statements.push(textOf(sql)), db.query(sql, params)) } as Database;
    const reports = new ReportStore(counting);
    const body = (i: number) => ({ source_id: `together-${i}`, latitude: 1, longitude: 2, title: `t${i}`, synthetic: true });
    const results = await Promise.allSettled([
      reports.submit('client', body(0)), // runs alone, at once
      ...[1, 2, 3, 4].map((i) => reports.submit('client', body(i))),
      reports.submit('client', body(1)),
      reports.submit('client', { ...body(5), reported_at: '0000-01-01T00:00:00Z' }), // PostgreSQL has no year 0
    ]);
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    expect(values.slice(0, 5).map((v) => v?.event?.routingKey)).toEqual(Array(5).fill('report.raw'));
    expect(values[5]).toEqual({ receipt: { ...values[1]!.receipt, idempotency_replay: true } });
    expect(results[6]!.status).toBe('rejected');
    // The first alone, then one statement for the other six, then each of those six again (one was refused), then the replay's lookup.
    expect(statements.filter((sql) => /insert into reports/.test(sql)).length).toBe(1 + 1 + 6);
    expect((await db.query('select 1 from reports')).rows.length).toBe(5);
  });
});
