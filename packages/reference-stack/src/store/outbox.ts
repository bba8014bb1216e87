import { randomUUID } from 'node:crypto';
import type { RoutingKey } from '@cleanapp/events';
import type { Broker } from '@cleanapp/events/node';
import type { Queryable } from './db.js';
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

/**
 * Adds an event to the outbox inside the caller's transaction. At most one event per report and
 * routing key: a redelivered message that is processed again adds nothing (returns undefined).
 */
export async function enqueue(
  tx: Queryable,
  routingKey: RoutingKey,
  publicId: string,
  build: (eventId: string) => Record<string, unknown>,
): Promise<OutboxEvent | undefined> {
  const eventId = randomUUID();
  const payload = build(eventId);
  const out = await tx.query<{ id: string | number }>(
    `insert into outbox (event_id, routing_key, payload, public_id) values ($1, $2, $3, $4)
     on conflict (public_id, routing_key) do nothing returning id`,
    [eventId, routingKey, JSON.stringify(payload), publicId],
  );
  const row = out.rows[0];
  return row ? { id: Number(row.id), eventId, routingKey, payload, publicId, createdAt: new Date() } : undefined;
}

/** Drops the events of reports being deleted, inside the caller's transaction (before the reports: lock order). */
export async function discardEvents(tx: Queryable, publicIds: string[]): Promise<void> {
  await tx.query('delete from outbox where public_id = any($1::text[])', [publicIds]);
}

/**
 * Hands stored events to the broker. Whoever committed an event publishes it right away
 * (`publishAfterCommit`); anything that could not be confirmed then is retried by the relay loop until
 * it is, so a broker outage delays reports but loses none.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly broker: Pick<Broker, 'connected' | 'publish'>,
    private readonly options: { intervalMs?: number; minAgeMs?: number } = {},
  ) {}

  /**
   * Publishes an event its caller has just committed (none when the commit enqueued nothing); resolves
   * true when the broker confirmed it. Never throws for the broker: the relay loop sends it later.
   */
  async publishAfterCommit(event: OutboxEvent | undefined): Promise<boolean> {
    if (!event) return false;
    try {
      await this.broker.publish(event.routingKey, event.payload, { messageId: event.eventId, headers: { 'x-retry-count': 0 } });
    } catch (error) {
      await this.markFailedAttempt(event, (error as Error).message).catch(() => undefined);
      return false;
    }
    await this.markPublished(event);
    return true;
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

  /** Publishes every unpublished event older than `minAgeMs` (younger ones are still with their committer). */
  async drain(): Promise<number> {
    if (!this.broker.connected) return 0;
    const minAge = this.options.minAgeMs ?? 2000;
    let sent = 0;
    for (const event of await this.unpublished()) {
      if (Date.now() - event.createdAt.getTime() < minAge) continue;
      if (!(await this.publishAfterCommit(event))) break;
      sent++;
    }
    return sent;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async unpublished(limit = 100): Promise<OutboxEvent[]> {
    const rows = await this.db.query<{ id: string | number; event_id: string; routing_key: string; payload: unknown; public_id: string; created_at: Date | string }>(
      'select id, event_id, routing_key, payload, public_id, created_at from outbox where published_at is null order by id limit $1',
      [limit],
    );
    return rows.rows.map((r) => ({
      id: Number(r.id),
      eventId: r.event_id,
      routingKey: r.routing_key as RoutingKey,
      payload: json(r.payload),
      publicId: r.public_id,
      createdAt: new Date(r.created_at),
    }));
  }

  /** Marks an event confirmed by the broker; a confirmed `report.raw` moves its report from `accepted` to `queued`. */
  private async markPublished(event: OutboxEvent): Promise<void> {
    // One statement (one round trip, one commit) on the hot path of every event.
    await this.db.query(
      `with sent as (update outbox set published_at = now(), attempts = attempts + 1 where id = $1 returning routing_key)
       update reports set status = 'queued', updated_at = now()
       where public_id = $2 and status = 'accepted' and exists (select 1 from sent where routing_key = 'report.raw')`,
      [event.id, event.publicId],
    );
  }

  private async markFailedAttempt(event: OutboxEvent, error: string): Promise<void> {
    await this.db.query('update outbox set attempts = attempts + 1, last_error = $2 where id = $1', [event.id, error]);
  }
}
