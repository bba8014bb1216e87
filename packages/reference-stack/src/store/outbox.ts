import { randomUUID } from 'node:crypto';
import type { RoutingKey } from '@cleanapp/events';
import type { Broker } from '@cleanapp/events/node';
import type { Queryable } from './db.js';
import type { OutboxEvent, ReportStore } from './reports.js';

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

/**
 * Hands stored events to the broker. The request path publishes right away (and answers `queued` when
 * confirmed); anything that could not be confirmed then is retried by the relay loop until it is, so
 * a broker outage delays reports but loses none.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: ReportStore,
    private readonly broker: Broker,
    private readonly options: { intervalMs?: number; minAgeMs?: number } = {},
  ) {}

  /** Publishes one event and records the outcome; resolves true when the broker confirmed it. */
  async publish(event: OutboxEvent): Promise<boolean> {
    try {
      await this.broker.publish(event.routingKey, event.payload, { messageId: event.eventId, headers: { 'x-retry-count': 0 } });
    } catch (error) {
      await this.store.markFailedAttempt(event, (error as Error).message).catch(() => undefined);
      return false;
    }
    await this.store.markPublished(event);
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

  /** Publishes every unpublished event older than `minAgeMs` (younger ones are still in their request). */
  async drain(): Promise<number> {
    if (!this.broker.connected) return 0;
    const minAge = this.options.minAgeMs ?? 2000;
    let sent = 0;
    for (const event of await this.store.unpublished()) {
      if (Date.now() - event.createdAt.getTime() < minAge) continue;
      if (!(await this.publish(event))) break;
      sent++;
    }
    return sent;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
