import type { RoutingKey } from '@cleanapp/events';
import type { Broker } from '@cleanapp/events/node';
import { prepared, type Queryable } from './db.js';
import { Batcher, type Outcome } from './batch.js';
import { lockReportsInOrder } from './lock-order.js';
import { json } from './rows.js';

/** An event stored with the change that caused it, until the broker confirmed it. */
export interface OutboxEvent {
  id: number;
  eventId: string;
  routingKey: RoutingKey;
  payload: unknown;
  publicId: string;
  createdAt: Date;
}

const MARK_PUBLISHED = prepared(
  'outbox-mark-published',
  `with sent as (update outbox set published_at = now(), attempts = attempts + 1 where id = any($1::bigint[]) returning public_id, routing_key),
   ${lockReportsInOrder("select public_id from sent where routing_key = 'report.raw'")}
   update reports r set status = 'queued', updated_at = now()
   from locked where r.public_id = locked.public_id and r.status = 'accepted'`,
);

/** Drops the events of reports being deleted, inside the caller's transaction (before the reports: lock order). */
export async function discardEvents(tx: Queryable, publicIds: string[]): Promise<void> {
  await tx.query('delete from outbox where public_id = any($1::text[])', [publicIds]);
}

/**
 * Hands stored events to the broker. Whoever committed an event publishes it right away
 * (`publishAfterCommit`); anything that could not be confirmed then is retried by the relay loop until
 * it is, so a broker outage delays reports but loses none.
 *
 * Publishing is batched (batch.ts): the events committed while a round is out are published together
 * (the confirm channel pipelines them) and marked in one UPDATE, so a busy relay costs one database
 * round trip per round instead of one per event, and an idle one publishes each event at once.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly rounds: Batcher<OutboxEvent, boolean>;

  constructor(
    private readonly db: Queryable,
    private readonly broker: Pick<Broker, 'connected' | 'publish'>,
    private readonly options: { intervalMs?: number; minAgeMs?: number; batchSize?: number; concurrency?: number } = {},
  ) {
    this.rounds = new Batcher((events) => this.publishRound(events), { maxSize: options.batchSize ?? 128, concurrency: options.concurrency ?? 4 });
  }

  /**
   * Publishes an event its caller has just committed (none when the commit enqueued nothing); resolves
   * true when the broker confirmed it. Never throws for the broker: the relay loop sends it later.
   */
  async publishAfterCommit(event: OutboxEvent | undefined): Promise<boolean> {
    if (!event) return false;
    return this.rounds.add(event);
  }

  /** Events in the order given, all in flight at once; confirmed ones marked in one statement, refused ones in another. */
  private async publishRound(events: OutboxEvent[]): Promise<Outcome<boolean>[]> {
    const results = await Promise.allSettled(
      events.map((event) => this.broker.publish(event.routingKey, event.payload, { messageId: event.eventId, headers: { 'x-retry-count': 0 } })),
    );
    const sent = events.filter((_, i) => results[i]!.status === 'fulfilled');
    const refused = events.flatMap((event, i) => {
      const r = results[i]!;
      return r.status === 'rejected' ? [{ id: event.id, error: (r.reason as Error).message }] : [];
    });
    if (refused.length > 0) await this.markFailedAttempts(refused).catch(() => undefined);
    // A failure to mark leaves them unmarked: the relay loop publishes them again (at least once).
    let marked = true;
    if (sent.length > 0) marked = await this.markPublished(sent).then(() => true, () => false);
    return results.map((r) => ({ ok: true, value: r.status === 'fulfilled' && marked }));
  }

  start(): void {
    const tick = () => {
      this.running = this.drain()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 500);
        });
    };
    this.timer = setTimeout(tick, this.options.intervalMs ?? 500);
  }

  /**
   * Publishes the unpublished events older than `minAgeMs` (younger ones are still with their
   * committer) as one round, oldest first; resolves how many the broker confirmed. Refused ones stay for
   * the next drain.
   */
  async drain(): Promise<number> {
    if (!this.broker.connected) return 0;
    const minAge = this.options.minAgeMs ?? 2000;
    const due = (await this.unpublished()).filter((event) => Date.now() - event.createdAt.getTime() >= minAge);
    if (due.length === 0) return 0;
    return (await this.publishRound(due)).filter((o) => o.ok && o.value).length;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async unpublished(limit = 100): Promise<OutboxEvent[]> {
    const rows = await this.db.query<OutboxRow>(
      'select id, event_id, routing_key, payload, public_id, created_at from outbox where published_at is null order by id limit $1',
      [limit],
    );
    return rows.rows.map(outboxEvent);
  }

  /** Marks events confirmed by the broker; a confirmed `report.raw` moves its report from `accepted` to `queued`. */
  private async markPublished(events: OutboxEvent[]): Promise<void> {
    // One statement (one round trip, one commit) for the whole round. Report rows are locked in public_id
    // order (lockReportsInOrder), as every batch statement on reports does.
    await this.db.query(
      MARK_PUBLISHED,
      [events.map((e) => e.id)],
    );
  }

  private async markFailedAttempts(refused: { id: number; error: string }[]): Promise<void> {
    await this.db.query(
      `update outbox o set attempts = attempts + 1, last_error = r.error
       from jsonb_to_recordset($1::jsonb) as r(id bigint, error text) where o.id = r.id`,
      [JSON.stringify(refused)],
    );
  }
}

type OutboxRow = { id: string | number; event_id: string; routing_key: string; payload: unknown; public_id: string; created_at: Date | string };

/** An outbox row as the relay publishes it. */
export const outboxEvent = (r: OutboxRow): OutboxEvent => ({
  id: Number(r.id),
  eventId: r.event_id,
  routingKey: r.routing_key as RoutingKey,
  payload: json(r.payload),
  publicId: r.public_id,
  createdAt: new Date(r.created_at),
});
