// Real PostgreSQL: PGlite has one connection, so nothing there runs concurrently and nothing can deadlock.
import type { ReportRawPayload } from '@cleanapp/events';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabase } from '../deps/resolve.js';
import { dropSchema, openDatabase, pgQuery, type Database } from './db.js';
import { OutboxRelay, type OutboxEvent } from './outbox.js';
import { PipelineStore } from './pipeline.js';
import { ReportStore } from './reports.js';

const ROUNDS = 15;
const PER_ROUND = 40;
const analysis = { classification: 'litter', severity_level: 0.4, brand_name: null, summary: 'Litter', provider: 'test', analysed_at: new Date().toISOString() } as const;

let resolved: Awaited<ReturnType<typeof resolveDatabase>>;
let schema: string;
let setup: Database;
let pool: pg.Pool;
/** The stores on a connection pool without the retry of deadlocks that openDatabase adds: a deadlock shows. */
let raw: Database;

beforeAll(async () => {
  resolved = await resolveDatabase({ embeddedFallback: false });
  schema = `lock_order_${randomUUID().slice(0, 8)}`;
  setup = await openDatabase(resolved.url, schema);
  pool = new pg.Pool({ connectionString: resolved.url, max: 8, options: `-c search_path=${schema}` });
  raw = {
    kind: 'postgres',
    description: 'no retries',
    query: (sql, params) => pool.query(pgQuery(sql, params)) as never,
    transaction: () => Promise.reject(new Error('not used')),
    close: () => pool.end(),
  };
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await setup?.close();
  if (resolved) await dropSchema(resolved.url, schema).catch(() => undefined);
  await resolved?.stop();
});

describe('batch statements on reports lock their rows in one order', () => {
  it(`the relay marking report.raw events published and the analyzer recording the same reports, in opposite orders, never deadlock (${ROUNDS} rounds of ${PER_ROUND})`, async () => {
    const reports = new ReportStore(setup);
    const relay = new OutboxRelay(raw, { connected: true, publish: async () => undefined }, { concurrency: 1 });
    const pipeline = new PipelineStore(raw);
    const refused: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const events = (await Promise.all(
        Array.from({ length: PER_ROUND }, async (_, i) => (await reports.submit('client', { source_id: `lock-${round}-${i}`, latitude: 1, longitude: 2, title: `r${round}-${i}` })).event!),
      )) as OutboxEvent[];
      const outcomes = await Promise.allSettled([
        Promise.all(events.map((e) => relay.publishAfterCommit(e))),
        pipeline.recordAnalyses([...events].reverse().map((e) => ({ raw: e.payload as ReportRawPayload, analysis }))),
        pipeline.recordAnalyses(events.slice(PER_ROUND / 2).map((e) => ({ raw: { ...(e.payload as ReportRawPayload), event_id: randomUUID() }, analysis }))),
      ]);
      for (const o of outcomes) if (o.status === 'rejected') refused.push(String((o.reason as { code?: string; message: string }).code ?? (o.reason as Error).message));
      // The relay reports a failed mark as `false` (its loop retries), so a deadlock there shows in the statuses.
      const statuses = await setup.query<{ status: string; n: string }>(
        `select status, count(*) as n from reports where source_id like $1 group by status`,
        [`lock-${round}-%`],
      );
      expect(statuses.rows.map((r) => [r.status, Number(r.n)]), `round ${round}`).toEqual([['analysed', PER_ROUND]]);
      const unmarked = await setup.query(`select 1 from outbox where routing_key = 'report.raw' and published_at is null`);
      expect(unmarked.rows, `round ${round}: raw events the relay failed to mark`).toEqual([]);
    }
    expect(refused).toEqual([]);
  }, 120_000);
});
