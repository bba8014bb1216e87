import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { redact } from '@cleanapp/events/node';

/**
 * A statement run on the hot path (per batch of reports): PostgreSQL prepares it once per connection
 * under `name` and reuses the parse and, after a few runs, the plan. Planning the pipeline's many-CTE
 * statements costs more than running them on a small batch. Names must be unique per text; PGlite runs
 * the text as is.
 */
export interface PreparedStatement {
  name: string;
  text: string;
}

export const prepared = (name: string, text: string): PreparedStatement => ({ name, text });

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string | PreparedStatement, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** node-postgres's query config: a named (prepared) statement, or plain text. */
export const pgQuery = (sql: string | PreparedStatement, params: unknown[] | undefined) =>
  typeof sql === 'string' ? { text: sql, values: params } : { name: sql.name, text: sql.text, values: params };
/** The SQL text of a statement (PGlite, and tests that look at what ran). */
export const textOf = (sql: string | PreparedStatement) => (typeof sql === 'string' ? sql : sql.text);

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  readonly description: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// pg signals connection-level trouble with these codes/messages; anything else is a bug or bad SQL.
function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(e.code ?? '') ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '')
  );
}

// Deadlock / serialization failure: Postgres rolled the whole transaction back, so running it again is safe.
const RETRYABLE = new Set(['40P01', '40001']);

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (RETRYABLE.has((error as { code?: string }).code ?? '') && attempt < 4) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
        continue;
      }
      throw isConnectionError(error) ? new DatabaseUnavailableError(error) : error;
    }
  }
}

/** PostgreSQL through a pool, every connection pinned to `schema` via search_path. */
async function openPostgres(url: string, schema: string): Promise<Database> {
  // DATABASE_POOL_MAX: connections per service process (8 by default; the pipeline bench barely moves with 24).
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_MAX ?? 8), connectionTimeoutMillis: 3000, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing
  const admin = await pool.connect().catch((e: unknown) => {
    throw new DatabaseUnavailableError(e);
  });
  try {
    // Services of one stack start together (compose); a session lock makes their migrations take turns.
    await admin.query(`select pg_advisory_lock(hashtext('cleanapp-migrate:' || $1))`, [schema]);
    await admin.query(`create schema if not exists ${schema}`);
    await migrate({ query: (sql, params) => admin.query(pgQuery(sql, params)) as never });
    await admin.query(`select pg_advisory_unlock(hashtext('cleanapp-migrate:' || $1))`, [schema]);
  } finally {
    admin.release();
  }
  return {
    kind: 'postgres',
    description: `${redact(url)} (schema ${schema})`,
    query: (sql, params) => guard(() => pool.query(pgQuery(sql, params))) as never,
    transaction: (fn) =>
      guard(async () => {
        const client = await pool.connect();
        // A checked-out client whose connection dies between two queries emits 'error' on itself (the
        // pool only listens while it is idle); without a listener that would crash the process.
        let broken: Error | undefined;
        const onError = (e: Error) => void (broken = e);
        client.on('error', onError);
        try {
          await client.query('begin');
          const result = await fn({ query: (sql, params) => client.query(pgQuery(sql, params)) as never });
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          client.off('error', onError);
          client.release(broken ?? false); // a broken client is destroyed, not returned to the pool
        }
      }),
    close: () => pool.end(),
  };
}

async function openPglite(url: string): Promise<Database> {
  const dir = url.replace(/^pglite:(\/\/)?/, '');
  const db = dir && dir !== 'memory' ? new PGlite(dir) : new PGlite();
  await db.waitReady;
  return {
    kind: 'pglite',
    description: dir && dir !== 'memory' ? `PGlite at ${dir}` : 'PGlite in memory',
    query: (sql, params) => db.query(textOf(sql), params) as never,
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => tx.query(textOf(sql), params) as never })),
    close: () => db.close(),
  };
}

export async function openDatabase(url: string, schema = 'cleanapp'): Promise<Database> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid database schema name "${schema}"`);
  if (url.startsWith('pglite:')) {
    const db = await openPglite(url);
    await migrate(db);
    return db;
  }
  return openPostgres(url, schema);
}

/** Idempotent schema setup; the stack owns its tables. */
async function migrate(db: Queryable): Promise<void> {
  await db.query(`
    create table if not exists reports (
      seq bigserial primary key,
      public_id text not null unique,
      receipt_id text not null unique,
      client_id text not null,
      source_id text not null,
      content_hash text not null,
      lane text not null,
      status text not null,
      latitude double precision not null,
      longitude double precision not null,
      title text not null,
      description text not null,
      tags jsonb not null,
      reported_at timestamptz not null,
      synthetic boolean not null,
      analysis jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (client_id, source_id)
    )`);
  // Why a report is `failed` (dead-lettered); added after the first schema, hence not in the create.
  await db.query('alter table reports add column if not exists failure_reason text');
  await db.query(`
    create table if not exists outbox (
      id bigserial primary key,
      event_id uuid not null unique,
      routing_key text not null,
      payload jsonb not null,
      public_id text not null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      attempts integer not null default 0,
      last_error text
    )`);
  await db.query('create index if not exists outbox_unpublished on outbox (id) where published_at is null');
  // One event of each kind per report: redelivered messages must not publish twice.
  await db.query('create unique index if not exists outbox_event_once on outbox (public_id, routing_key)');
  await db.query(`
    create table if not exists analyses (
      content_hash text primary key,
      analysis jsonb not null,
      created_at timestamptz not null default now()
    )`);
  await db.query(`
    create table if not exists renders (
      public_id text primary key,
      svg text not null,
      html text not null,
      rendered_at timestamptz not null default now()
    )`);
  // Events a worker has handled (committed with its effect): a duplicate delivery is skipped.
  await db.query(`
    create table if not exists processed_events (
      consumer text not null,
      event_id uuid not null,
      processed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )`);
  // The policy decision point's decision log (src/policy/log.ts): append-only, read back by id.
  await db.query(`
    create table if not exists policy_decisions (
      decision_id text primary key,
      decided_at timestamptz not null,
      path text not null,
      input_digest text not null,
      result boolean not null,
      revision text not null,
      request_id text
    )`);
}

/** Liveness of the database for health endpoints: `select 1` within 2 s. */
export async function checkDb(db: Queryable): Promise<{ status: 'up'; latency_ms: number } | { status: 'down'; error: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.query('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 2000 ms')), 2000);
      }),
    ]);
    return { status: 'up', latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Drops a schema created for one throwaway stack (tests, embedded smoke runs). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (url.startsWith('pglite:') || !SCHEMA_NAME.test(schema)) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined); // surfaces through the query below
  try {
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
