import type { ReportAnalysedPayload, ReportRawPayload } from '@cleanapp/events';
import type { Database, Queryable } from './db.js';
import { enqueue, type OutboxEvent } from './outbox.js';
import { cardPath, pagePath } from '../workers/render.js';
import { json } from './rows.js';

type Analysis = ReportAnalysedPayload['analysis'];
export type Worker = 'analyzer' | 'renderer';

/** Marks `eventId` handled by `consumer` in the step's transaction; false for a concurrent duplicate (nothing else is written). */
async function firstTime(tx: Queryable, consumer: Worker, eventId: string): Promise<boolean> {
  return (await tx.query('insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing returning 1', [consumer, eventId])).rows.length > 0;
}

/** What the analyzer and the renderer read and write; each step's event goes through the outbox. */
export class PipelineStore {
  constructor(private readonly db: Database) {}

  async reportExists(publicId: string): Promise<boolean> {
    return (await this.db.query('select 1 from reports where public_id = $1', [publicId])).rows.length > 0;
  }

  /** Whether `consumer` has already handled (and committed) the event `eventId`. */
  async processed(consumer: Worker, eventId: string): Promise<boolean> {
    return (await this.db.query('select 1 from processed_events where consumer = $1 and event_id = $2', [consumer, eventId])).rows.length > 0;
  }

  /** The analysis of identical content, if any report with it was analysed before. */
  async analysisFor(contentHash: string): Promise<Analysis | undefined> {
    const row = (await this.db.query<{ analysis: Analysis | string }>('select analysis from analyses where content_hash = $1', [contentHash])).rows[0];
    return row ? json(row.analysis) : undefined;
  }

  /** Stores the analysis (first writer wins), attaches it to the report and enqueues report.analysed. */
  async recordAnalysis(raw: ReportRawPayload, analysis: Analysis): Promise<OutboxEvent | undefined> {
    return this.db.transaction(async (tx) => {
      if (!(await firstTime(tx, 'analyzer', raw.event_id))) return undefined;
      // First writer wins; a concurrent duplicate reads the winner's analysis back.
      const inserted = await tx.query<{ analysis: Analysis | string }>(
        'insert into analyses (content_hash, analysis) values ($1, $2) on conflict (content_hash) do nothing returning analysis',
        [raw.content_hash, JSON.stringify(analysis)],
      );
      const row = inserted.rows[0] ?? (await tx.query<{ analysis: Analysis | string }>('select analysis from analyses where content_hash = $1', [raw.content_hash])).rows[0]!;
      const stored = json(row.analysis);
      await tx.query(
        `update reports set analysis = $2, status = case when status in ('accepted', 'queued') then 'analysed' else status end, updated_at = now()
         where public_id = $1`,
        [raw.public_id, JSON.stringify(stored)],
      );
      return enqueue(tx, 'report.analysed', raw.public_id, (eventId) => ({
        version: 1,
        event_id: eventId,
        public_id: raw.public_id,
        seq: raw.seq,
        content_hash: raw.content_hash,
        analysis: stored,
      }));
    });
  }

  /** Stores the rendered card and page, marks the report rendered and enqueues report.rendered. */
  async recordRender(analysed: ReportAnalysedPayload, svg: string, html: string): Promise<OutboxEvent | undefined> {
    return this.db.transaction(async (tx) => {
      if (!(await firstTime(tx, 'renderer', analysed.event_id))) return undefined;
      await tx.query(
        `insert into renders (public_id, svg, html) values ($1, $2, $3)
         on conflict (public_id) do update set svg = excluded.svg, html = excluded.html, rendered_at = now()`,
        [analysed.public_id, svg, html],
      );
      await tx.query(`update reports set status = 'rendered', updated_at = now() where public_id = $1 and status <> 'failed'`, [analysed.public_id]);
      return enqueue(tx, 'report.rendered', analysed.public_id, (eventId) => ({
        version: 1,
        event_id: eventId,
        public_id: analysed.public_id,
        seq: analysed.seq,
        rendered_at: new Date().toISOString(),
        card_path: cardPath(analysed.public_id),
        page_path: pagePath(analysed.public_id),
      }));
    });
  }

  async reportForRender(publicId: string): Promise<{ title: string; description: string; latitude: number; longitude: number; reported_at: string; lane: string } | undefined> {
    const row = (
      await this.db.query<{ title: string; description: string; latitude: number; longitude: number; reported_at: Date | string; lane: string }>(
        'select title, description, latitude, longitude, reported_at, lane from reports where public_id = $1',
        [publicId],
      )
    ).rows[0];
    return row ? { ...row, reported_at: new Date(row.reported_at).toISOString() } : undefined;
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
