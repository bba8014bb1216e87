import { randomUUID } from 'node:crypto';
import type { components } from '@cleanapp/api-client';
import { prepared, type Database, type Queryable } from './db.js';
import { Batcher, writeEachOnRefusal, type Outcome } from './batch.js';
import { canonicalJson, randomId, sha256 } from './ids.js';
import { lockReportsInOrder } from './lock-order.js';
import { discardEvents, outboxEvent, type OutboxEvent } from './outbox.js';
import { iso, json } from './rows.js';

type Schemas = components['schemas'];
export type Row = {
  seq: string | number;
  public_id: string;
  receipt_id: string;
  client_id: string;
  source_id: string;
  content_hash: string;
  lane: Schemas['Lane'];
  status: Schemas['ProcessingStatus'];
  latitude: number;
  longitude: number;
  title: string;
  description: string;
  tags: string[] | string;
  reported_at: Date | string;
  synthetic: boolean;
  analysis: Schemas['Analysis'] | null | string;
  created_at: Date | string;
  updated_at: Date | string;
  failure_reason: string | null;
};

/** One submission as the batch statement takes it. */
interface Submission {
  public_id: string;
  receipt_id: string;
  client_id: string;
  source_id: string;
  content_hash: string;
  lane: string;
  latitude: number;
  longitude: number;
  title: string;
  description: string;
  tags: string[];
  reported_at: string;
  synthetic: boolean;
  event_id: string;
}

type StoredRow = Row & { outbox_id: string | number; event_id: string; payload: unknown; outbox_created_at: Date | string };

/** The idempotency key was used before with different content. */
export class IdempotencyConflictError extends Error {
  constructor(
    readonly sourceId: string,
    readonly existingPublicId: string,
  ) {
    super(`source_id ${sourceId} was already submitted with different content`);
  }
}

/** The ingest/query side of the stack: report rows (their events live in the outbox, outbox.ts). */
export class ReportStore {
  constructor(private readonly db: Database) {}

  /** Submissions arriving together (concurrent requests) are stored by one statement: one commit for all. */
  private readonly submissions = new Batcher<Submission, StoredRow | undefined>((items) => this.storeBatch(items), { maxSize: 64, concurrency: 2 });

  /**
   * Stores a submission and its `report.raw` event in one statement (transactional outbox: the report
   * row and its outbox row commit together), so a report is never stored without its event nor published
   * without being stored. The event is built in SQL from the stored row, so it says exactly what was stored.
   */
  async submit(clientId: string, body: Schemas['ReportSubmission']): Promise<{ receipt: Schemas['IngestReceipt']; event?: OutboxEvent }> {
    const { source_id: sourceId, ...content } = body;
    const contentHash = sha256(canonicalJson(content));
    // Strings made well-formed here: the batch travels as JSON, and jsonb refuses lone surrogates.
    const row = await this.submissions.add({
      public_id: randomId('rpt'),
      receipt_id: randomId('rcp'),
      client_id: wellFormed(clientId),
      source_id: wellFormed(sourceId),
      content_hash: contentHash,
      lane: body.lane ?? 'publish',
      latitude: body.latitude,
      longitude: body.longitude,
      title: wellFormed(body.title ?? ''),
      description: wellFormed(body.description ?? ''),
      tags: (body.tags ?? []).map(wellFormed),
      reported_at: body.reported_at === undefined ? new Date().toISOString() : wellFormed(storableInstant(body.reported_at)),
      synthetic: body.synthetic ?? false,
      event_id: randomUUID(),
    });
    if (!row) return { receipt: await this.replay(this.db, clientId, sourceId, contentHash) };
    const event = outboxEvent({ id: row.outbox_id, event_id: row.event_id, routing_key: 'report.raw', payload: row.payload, public_id: row.public_id, created_at: row.outbox_created_at });
    return { receipt: toReceipt(row, false), event };
  }

  /**
   * One statement for a batch; each submission gets its stored row, or undefined when its (client,
   * source_id) was stored before (a replay, or an earlier one of the same batch). A statement that fails
   * is retried one submission at a time, so a submission the database refuses fails alone.
   */
  private async storeBatch(items: Submission[]): Promise<Outcome<StoredRow | undefined>[]> {
    return writeEachOnRefusal(items, async (batch) => {
      const rows = await this.insertSubmissions(batch);
      return batch.map((item) => rows.get(item.public_id));
    });
  }

  private async insertSubmissions(items: Submission[]): Promise<Map<string, StoredRow>> {
    const inserted = await this.db.query<StoredRow>(
      prepared('insert-submissions', `with input as (
         select * from jsonb_to_recordset($1::jsonb) as i(public_id text, receipt_id text, client_id text, source_id text,
           content_hash text, lane text, latitude double precision, longitude double precision, title text, description text, tags jsonb,
           reported_at timestamptz, synthetic boolean, event_id uuid)),
       stored as (
         insert into reports (public_id, receipt_id, client_id, source_id, content_hash, lane, status, latitude, longitude,
           title, description, tags, reported_at, synthetic)
         select public_id, receipt_id, client_id, source_id, content_hash, lane, 'accepted', latitude, longitude,
           title, description, tags, reported_at, synthetic
         from input
         on conflict (client_id, source_id) do nothing
         returning *),
       queued as (
         insert into outbox (event_id, routing_key, payload, public_id)
         select i.event_id, 'report.raw', jsonb_build_object(
             'version', 1, 'event_id', i.event_id, 'public_id', s.public_id, 'receipt_id', s.receipt_id, 'seq', s.seq, 'source_id', s.source_id,
             'lane', s.lane, 'content_hash', s.content_hash, 'submitted_at', ${sqlIso('s.created_at')},
             'report', jsonb_build_object('latitude', s.latitude, 'longitude', s.longitude, 'title', s.title, 'description', s.description,
               'tags', s.tags, 'reported_at', ${sqlIso('s.reported_at')}, 'synthetic', s.synthetic)),
           s.public_id
         from stored s join input i using (public_id)
         returning id, event_id, payload, public_id, created_at)
       select stored.*, queued.id as outbox_id, queued.event_id, queued.payload, queued.created_at as outbox_created_at
       from stored join queued using (public_id)`),
      [JSON.stringify(items)],
    );
    return new Map(inserted.rows.map((r) => [r.public_id, r]));
  }

  private async replay(tx: Queryable, clientId: string, sourceId: string, contentHash: string): Promise<Schemas['IngestReceipt']> {
    const existing = (await tx.query<Row>('select * from reports where client_id = $1 and source_id = $2', [clientId, sourceId])).rows[0];
    if (!existing) throw new Error('idempotency conflict row vanished'); // rows are never deleted inside a transaction race here
    if (existing.content_hash !== contentHash) {
      throw new IdempotencyConflictError(sourceId, existing.public_id);
    }
    return toReceipt(existing, true);
  }

  async receipt(clientId: string, receiptId: string, admin: boolean): Promise<Schemas['Receipt'] | undefined> {
    const row = (await this.db.query<Row>('select * from reports where receipt_id = $1', [receiptId])).rows[0];
    // A receipt belongs to the client that submitted it; others get a 404, not a hint that it exists.
    if (!row || (row.client_id !== clientId && !admin)) return undefined;
    return {
      receipt_id: row.receipt_id,
      public_id: row.public_id,
      seq: Number(row.seq),
      source_id: row.source_id,
      lane: row.lane,
      status: row.status,
      ...(row.status === 'failed' && row.failure_reason ? { failure_reason: row.failure_reason } : {}),
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  }

  /** A report as published; quarantined reports are invisible here. */
  async publishedReport(publicId: string): Promise<Schemas['Report'] | undefined> {
    const row = (await this.db.query<Row>(`select * from reports where public_id = $1 and lane = 'publish'`, [publicId])).rows[0];
    return row ? toReport(row) : undefined;
  }

  /** A report whatever its lane (admin views; and the `quarantine-visible` fault). */
  async anyReport(publicId: string): Promise<Schemas['Report'] | undefined> {
    return (await this.reportWithSubmitter(publicId))?.report;
  }

  /** A report whatever its lane, with the client that submitted it (what the policy decides on). */
  async reportWithSubmitter(publicId: string): Promise<{ report: Schemas['Report']; submittedBy: string } | undefined> {
    const row = (await this.db.query<Row>('select * from reports where public_id = $1', [publicId])).rows[0];
    return row ? { report: toReport(row), submittedBy: row.client_id } : undefined;
  }

  /** Moves a quarantined report to the publish lane (idempotent); undefined when there is no such report. */
  async promote(publicId: string): Promise<Schemas['Report'] | undefined> {
    const row = (await this.db.query<Row>(`update reports set lane = 'publish', updated_at = now() where public_id = $1 returning *`, [publicId])).rows[0];
    return row ? toReport(row) : undefined;
  }

  /** Deletes synthetic reports (optionally one run's, by source_id prefix) with their outbox events and renders. */
  async deleteSynthetic(sourceIdPrefix?: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const matching = await tx.query<{ public_id: string }>(
        'select public_id from reports where synthetic = true and ($1::text is null or left(source_id, length($1::text)) = $1::text)',
        [sourceIdPrefix ?? null],
      );
      const ids = matching.rows.map((r) => r.public_id);
      if (ids.length === 0) return 0;
      // Outbox rows first, then reports: the same lock order as publishing, so the two cannot deadlock.
      await discardEvents(tx, ids);
      // The report rows locked in public_id order, as every batch statement on reports locks them.
      const gone = await tx.query(
        `with ${lockReportsInOrder('select unnest($1::text[])')} delete from reports r using locked where r.public_id = locked.public_id returning r.public_id`,
        [ids],
      );
      await tx.query('delete from renders where public_id = any($1::text[])', [ids]);
      return gone.rows.length;
    });
  }
}

/**
 * A contract-valid date-time as PostgreSQL can hold it, to the millisecond the API gives back. A leap
 * second becomes the last millisecond of its minute (PostgreSQL has none: it refuses :60.5 and moves
 * :60 into the next day); further fraction digits are cut, since PostgreSQL would round them and
 * 9999-12-31T23:59:59.9999995Z would round into year 10000, which RFC 3339 cannot write.
 */
export const storableInstant = (dateTime: string): string =>
  dateTime.replace(/^(\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:)60(?:\.\d+)?/, '$159.999').replace(/(\.\d{1,3})\d*/, '$1');

/**
 * A timestamptz column as iso() (Date#toISOString) writes it: UTC, milliseconds cut (not rounded, as
 * both PostgreSQL's MS and the driver's Date do), years past 9999 as +0YYYYY.
 */
const sqlIso = (column: string) =>
  `case when ${column} >= '10000-01-01T00:00:00Z' then '+0' else '' end || to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Lone UTF-16 surrogates (legal in a JSON string escape) become U+FFFD, as the driver does for text
 * columns; jsonb refuses them outright.
 */
const wellFormed = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

export function toReport(row: Row): Schemas['Report'] {
  return {
    public_id: row.public_id,
    seq: Number(row.seq),
    lane: row.lane,
    status: row.status,
    latitude: row.latitude,
    longitude: row.longitude,
    title: row.title,
    description: row.description,
    tags: json<string[]>(row.tags),
    reported_at: iso(row.reported_at),
    created_at: iso(row.created_at),
    synthetic: row.synthetic,
    analysis: toAnalysis(row.analysis),
  };
}

/** The contract's fields only (the event payload has more, e.g. provider). */
export function toAnalysis(stored: Row['analysis']): Schemas['Analysis'] | null {
  if (!stored) return null;
  const a = json<Schemas['Analysis']>(stored);
  return { classification: a.classification, severity_level: a.severity_level, brand_name: a.brand_name, summary: a.summary, analysed_at: iso(a.analysed_at) };
}

function toReceipt(row: Row, replay: boolean): Schemas['IngestReceipt'] {
  return {
    receipt_id: row.receipt_id,
    public_id: row.public_id,
    seq: Number(row.seq),
    status: row.status,
    lane: row.lane,
    idempotency_replay: replay,
  };
}
