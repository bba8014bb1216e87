import type { ReportAnalysedPayload, ReportRawPayload } from '@cleanapp/events';
import { randomUUID } from 'node:crypto';
import { prepared, type Database, type PreparedStatement } from './db.js';
import { lockReportsInOrder } from './lock-order.js';
import { outboxEvent, type OutboxEvent } from './outbox.js';
import { cardPath, pagePath } from '../workers/render.js';
import { json } from './rows.js';

type Analysis = ReportAnalysedPayload['analysis'];
export type Worker = 'analyzer' | 'renderer';

/** What a worker needs to know about an event before its work (PipelineStore.lookup). */
export interface Found {
  /** The consumer already handled (and committed) this event: a duplicate delivery. */
  processed: boolean;
  /** The report, unless it is gone (deleted) or never existed. */
  report?: { title: string; description: string; latitude: number; longitude: number; reported_at: string; lane: string };
  /** The analysis of identical content, if any report with it was analysed before. */
  known?: Analysis;
}

type OutboxRow = Parameters<typeof outboxEvent>[0];

/**
 * What the analyzer and the renderer read and write; each step's event goes through the outbox. Every
 * method takes a batch of deliveries and costs one statement for all of them (workers batch what
 * arrives together, batch.ts); a single statement is its own transaction, so a step's effects, its
 * processed-event mark and its outbox event commit together or not at all.
 */
export class PipelineStore {
  constructor(private readonly db: Database) {}

  /** For each event: handled before by `consumer`?, its report, and a known analysis of its content. */
  async lookup(consumer: Worker, events: { event_id: string; public_id: string; content_hash?: string }[]): Promise<Found[]> {
    const rows = await this.db.query<{
      i: number;
      processed: boolean;
      present: boolean;
      title: string;
      description: string;
      latitude: number;
      longitude: number;
      reported_at: Date | string;
      lane: string;
      known: Analysis | string | null;
    }>(
      prepared('pipeline-lookup', `select e.i, exists (select 1 from processed_events p where p.consumer = $2 and p.event_id = e.event_id) as processed,
         r.public_id is not null as present, r.title, r.description, r.latitude, r.longitude, r.reported_at, r.lane,
         (select a.analysis from analyses a where a.content_hash = e.content_hash) as known
       from jsonb_to_recordset($1::jsonb) as e(i int, event_id uuid, public_id text, content_hash text)
       left join reports r on r.public_id = e.public_id
       order by e.i`),
      [JSON.stringify(events.map((e, i) => ({ i, event_id: e.event_id, public_id: e.public_id, content_hash: e.content_hash ?? null }))), consumer],
    );
    return rows.rows.map((r) => ({
      processed: r.processed,
      ...(r.present
        ? { report: { title: r.title, description: r.description, latitude: r.latitude, longitude: r.longitude, reported_at: new Date(r.reported_at).toISOString(), lane: r.lane } }
        : {}),
      ...(r.known ? { known: json(r.known) } : {}),
    }));
  }

  /**
   * Stores each analysis (first writer of a content hash wins: everyone gets the stored one), attaches it
   * to its report and enqueues report.analysed. An event handled before adds nothing (undefined).
   */
  async recordAnalyses(items: { raw: ReportRawPayload; analysis: Analysis }[]): Promise<(OutboxEvent | undefined)[]> {
    const input = items.map(({ raw, analysis }) => ({
      event_id: raw.event_id,
      out_event_id: randomUUID(),
      public_id: raw.public_id,
      seq: raw.seq,
      content_hash: raw.content_hash,
      analysis,
    }));
    // `on conflict do update` (a no-op) rather than `do nothing`: it returns the winner's row even when a
    // concurrent writer committed it after this statement's snapshot was taken.
    return this.recorded(
      input,
      prepared('pipeline-record-analyses', `with input as (select * from jsonb_to_recordset($1::jsonb) as i(event_id uuid, out_event_id uuid, public_id text, seq bigint, content_hash text, analysis jsonb)),
       firsts as (insert into processed_events (consumer, event_id) select 'analyzer', event_id from input on conflict do nothing returning event_id),
       todo as (select input.* from input join firsts using (event_id)),
       stored as (
         insert into analyses (content_hash, analysis) select distinct on (content_hash) content_hash, analysis from todo order by content_hash
         on conflict (content_hash) do update set content_hash = excluded.content_hash
         returning content_hash, analysis),
       ${lockReportsInOrder('select public_id from todo')},
       attached as (
         update reports r set analysis = s.analysis, status = case when r.status in ('accepted', 'queued') then 'analysed' else r.status end, updated_at = now()
         from todo t join stored s using (content_hash) join locked using (public_id) where r.public_id = t.public_id),
       queued as (
         insert into outbox (event_id, routing_key, payload, public_id)
         select t.out_event_id, 'report.analysed',
           jsonb_build_object('version', 1, 'event_id', t.out_event_id, 'public_id', t.public_id, 'seq', t.seq, 'content_hash', t.content_hash, 'analysis', s.analysis),
           t.public_id
         from todo t join stored s using (content_hash)
         on conflict (public_id, routing_key) do nothing
         returning id, event_id, routing_key, payload, public_id, created_at)
       select * from queued`),
    );
  }

  /** Stores each rendered card and page, marks its report rendered and enqueues report.rendered. */
  async recordRenders(items: { analysed: ReportAnalysedPayload; svg: string; html: string }[]): Promise<(OutboxEvent | undefined)[]> {
    const input = items.map(({ analysed, svg, html }) => {
      const outEventId = randomUUID();
      return {
        event_id: analysed.event_id,
        out_event_id: outEventId,
        public_id: analysed.public_id,
        svg,
        html,
        payload: {
          version: 1,
          event_id: outEventId,
          public_id: analysed.public_id,
          seq: analysed.seq,
          rendered_at: new Date().toISOString(),
          card_path: cardPath(analysed.public_id),
          page_path: pagePath(analysed.public_id),
        },
      };
    });
    // distinct on: one upsert per report (an upsert may not touch a row twice in one statement).
    return this.recorded(
      input,
      prepared('pipeline-record-renders', `with input as (select * from jsonb_to_recordset($1::jsonb) as i(event_id uuid, out_event_id uuid, public_id text, svg text, html text, payload jsonb)),
       firsts as (insert into processed_events (consumer, event_id) select 'renderer', event_id from input on conflict do nothing returning event_id),
       todo as (select input.* from input join firsts using (event_id)),
       saved as (
         insert into renders (public_id, svg, html) select distinct on (public_id) public_id, svg, html from todo order by public_id
         on conflict (public_id) do update set svg = excluded.svg, html = excluded.html, rendered_at = now()),
       ${lockReportsInOrder('select public_id from todo')},
       marked as (update reports r set status = 'rendered', updated_at = now() from locked where r.public_id = locked.public_id and r.status <> 'failed'),
       queued as (
         insert into outbox (event_id, routing_key, payload, public_id)
         select out_event_id, 'report.rendered', payload, public_id from todo
         on conflict (public_id, routing_key) do nothing
         returning id, event_id, routing_key, payload, public_id, created_at)
       select * from queued`),
    );
  }

  /** Runs a recording statement over `input`; each item gets the outbox event it enqueued, if any. */
  private async recorded(input: { out_event_id: string }[], sql: PreparedStatement): Promise<(OutboxEvent | undefined)[]> {
    if (input.length === 0) return [];
    const rows = await this.db.query<OutboxRow>(sql, [JSON.stringify(input)]);
    const byEventId = new Map(rows.rows.map((r) => [r.event_id, outboxEvent(r)]));
    return input.map((i) => byEventId.get(i.out_event_id));
  }

  /**
   * A dead-lettered step: the report will not progress, so its receipt says `failed` (the reason is kept
   * for operators; the Receipt contract has no field for it). A rendered report stays rendered: a late
   * duplicate that failed changes nothing about it. Resolves whether the report was marked.
   */
  async markFailed(publicId: string, reason: string): Promise<boolean> {
    const out = await this.db.query(
      `update reports set status = 'failed', failure_reason = $2, updated_at = now() where public_id = $1 and status <> 'rendered' returning 1`,
      [publicId, reason],
    );
    return out.rows.length > 0;
  }

  async render(publicId: string): Promise<{ svg: string; html: string } | undefined> {
    return (await this.db.query<{ svg: string; html: string }>('select svg, html from renders where public_id = $1', [publicId])).rows[0];
  }
}
