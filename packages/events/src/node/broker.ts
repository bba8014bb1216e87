import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { isRoutingKey, validatePayload, type PayloadByRoutingKey, type RoutingKey } from '../index.js';
import { attemptsSoFar, parseEventBody } from './delivery.js';
import { declareTopology, deleteTopology, type QueueSpec, type Topology } from './topology.js';

/** Runs a handler; its failure (as an Error), or undefined when it succeeded. */
async function outcomeOf(run: () => Promise<void>): Promise<Error | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Acks, drops (nack without requeue: to the DLX if the queue has one) or requeues a delivery. When the
 * channel closed while the handler ran (a cancelled subscription, a lost connection, a shutdown),
 * amqplib throws; RabbitMQ has already put that channel's unacknowledged messages back, so nothing is
 * lost, and the throw would only surface as an unhandled rejection.
 */
function settle(channel: Channel, msg: ConsumeMessage, how: 'ack' | 'drop' | 'requeue'): void {
  try {
    if (how === 'ack') channel.ack(msg);
    else channel.nack(msg, false, how === 'requeue');
  } catch (error) {
    if ((error as Error).name !== 'IllegalOperationError') throw error;
  }
}

export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(`The broker is unavailable: ${message}`);
  }
}

/** A payload that does not match its schema; never sent, and dead-lettered at once when received. */
export class InvalidPayloadError extends Error {
  constructor(
    readonly routingKey: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${routingKey} payload: ${problems.join('; ')}`);
  }
}

/** Thrown by a handler for a message that can never succeed: it goes to the DLQ without retries. */
export class PermanentError extends Error {}

export interface DeliveryInfo {
  messageId?: string;
  /** How many times this message was retried before (the contract's retry-count header). */
  attempt: number;
  redelivered: boolean;
  queue: string;
}

export type Handler<K extends RoutingKey> = (payload: PayloadByRoutingKey[K], info: DeliveryInfo) => Promise<void>;

export interface ConsumeOptions<K extends RoutingKey = RoutingKey> {
  /** Unacknowledged messages in flight per consumer (basic.qos). */
  prefetch?: number;
  /**
   * Called for every message that ends in the DLQ, with why; `payload` when the handler gave up on a
   * valid message (absent for poison). Awaited before the message leaves, so a crash in between
   * redelivers it instead of losing what the hook records (a returned promise is awaited; its rejection
   * is ignored, the message is dead either way).
   */
  onDeadLetter?: (reason: string, info: DeliveryInfo, payload?: PayloadByRoutingKey[K]) => unknown;
  /**
   * What to do with a message that is not valid JSON or fails its schema: dead-letter it (default).
   * `requeue` exists only to simulate the classic poison-message bug in tests of the suites.
   */
  onInvalid?: 'dead-letter' | 'requeue';
}

export interface SubscribeOptions {
  /** Unacknowledged messages in flight (basic.qos). */
  prefetch?: number;
  /** Called for each event dropped (invalid, or its handler failed on the redelivery too): a subscription has no DLQ. */
  onDropped?: (reason: string, info: DeliveryInfo) => void;
}

/** One instance's subscription (Broker.subscribe). */
export interface Subscription {
  /** This instance's own queue. */
  queue: string;
  /** Stops consuming; the broker deletes the auto-delete queue with its last consumer. */
  cancel(): Promise<void>;
}

interface Registration {
  /** The queue consumed and the routing key its messages carry. */
  queue: string;
  routingKey: RoutingKey;
  handler: Handler<RoutingKey>;
  prefetch?: number;
  /** A work queue: retries through its retry queue, then its DLQ. */
  work?: { spec: QueueSpec; options: ConsumeOptions };
  /** A per-instance subscription: declared and bound by this consumer; one redelivery, then dropped. */
  subscription?: SubscribeOptions;
  channel?: Channel;
}

/** Hides the password of a URL for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export interface PublishOptions {
  messageId: string;
  headers?: Record<string, unknown>;
  type?: string;
}

/**
 * One AMQP connection with a confirm channel, reconnecting with backoff after the broker goes away.
 * Publishing validates the payload, waits for the broker's confirm and fails on a `basic.return`
 * (unroutable), so a caller only marks an event sent once RabbitMQ has taken responsibility for it.
 * Consumers ack after their handler succeeded; failures go through the queue's retry queue (TTL, then
 * back to that queue only) and, after the contract's maximum attempts, to its DLQ. Consumers are
 * re-subscribed after a reconnect.
 */
export class Broker extends EventEmitter {
  private conn: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private lastError = 'not connected yet';
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly returned = new Map<string, (reason: string) => void>();
  private readonly registrations: Registration[] = [];

  constructor(
    readonly url: string,
    readonly topology: Topology,
    private readonly options: { expiresMs?: number; reconnectMs?: number } = {},
  ) {
    super();
  }

  get connected(): boolean {
    return !!this.channel;
  }

  get state(): { up: boolean; error?: string } {
    return this.channel ? { up: true } : { up: false, error: this.lastError };
  }

  /** Connects once; on failure keeps retrying in the background and rejects with the first error. */
  start(): Promise<void> {
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    try {
      const conn = await connect(this.url, { timeout: 3000 });
      conn.on('error', (e: Error) => {
        this.lastError = e.message;
      });
      conn.on('close', () => this.onLost('connection closed'));
      const channel = await conn.createConfirmChannel();
      channel.on('error', (e: Error) => {
        this.lastError = e.message;
      });
      channel.on('close', () => this.onLost('channel closed'));
      channel.on('return', (msg: { properties: { messageId?: string }; fields: { routingKey: string } }) => {
        const id = msg.properties.messageId;
        if (id) this.returned.get(id)?.(`unroutable: no queue bound to ${msg.fields.routingKey}`);
      });
      await declareTopology(channel, this.topology, this.options.expiresMs ? { expiresMs: this.options.expiresMs } : {});
      this.conn = conn;
      this.channel = channel;
      for (const reg of this.registrations) await this.attach(reg);
      this.emit('connected');
    } catch (error) {
      this.lastError = `${redact(this.url)}: ${(error as Error).message}`;
      this.scheduleReconnect();
      throw new BrokerUnavailableError(this.lastError);
    }
  }

  private onLost(why: string): void {
    if (!this.channel && !this.conn) return;
    this.channel = undefined;
    this.conn = undefined;
    if (this.closed) return;
    this.lastError = why;
    this.emit('disconnected', why);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start().catch(() => undefined);
    }, this.options.reconnectMs ?? 1000);
    this.retryTimer.unref();
  }

  async publish(routingKey: string, payload: unknown, options: PublishOptions): Promise<void> {
    if (isRoutingKey(routingKey)) {
      const checked = validatePayload(routingKey, payload);
      if (!checked.ok) throw new InvalidPayloadError(routingKey, checked.errors);
    }
    await this.publishRaw(this.topology.exchange.name, routingKey, Buffer.from(JSON.stringify(payload)), options);
  }

  /** Publishes bytes as they are (no validation); the retry path and tests of poison messages use it. */
  async publishRaw(exchange: string, routingKey: string, body: Buffer, options: PublishOptions): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new BrokerUnavailableError(this.lastError);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.returned.delete(options.messageId);
        if (error) reject(error);
        else resolve();
      };
      // A return arrives before the ack for the same message, so it wins the race.
      this.returned.set(options.messageId, (why) => finish(new BrokerUnavailableError(why)));
      try {
        channel.publish(
          exchange,
          routingKey,
          body,
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: options.messageId,
            ...(options.type || routingKey ? { type: options.type ?? routingKey } : {}),
            timestamp: Math.floor(Date.now() / 1000),
            headers: options.headers ?? {},
          },
          (err) => finish(err ? new BrokerUnavailableError(`publish not confirmed: ${String(err)}`) : undefined),
        );
      } catch (error) {
        finish(new BrokerUnavailableError((error as Error).message));
      }
    });
  }

  /**
   * Consumes a work queue of the topology (by canonical name, e.g. `report-analysis-queue`). Payloads
   * are validated against the schema of the queue's routing key before the handler sees them.
   */
  async consume<K extends RoutingKey>(canonicalQueue: string, routingKey: K, handler: Handler<K>, options: ConsumeOptions<K> = {}): Promise<void> {
    if (this.topology.subscriptions.some((s) => s.canonical === canonicalQueue)) throw new Error(`${canonicalQueue} is a per-instance subscription; use subscribe()`);
    const queue = this.topology.queues.find((q) => q.canonical === canonicalQueue);
    if (!queue) throw new Error(`Unknown queue ${canonicalQueue}; the contract declares ${this.topology.queues.map((q) => q.canonical).join(', ')}`);
    if (queue.routingKey !== routingKey) throw new Error(`Queue ${canonicalQueue} carries ${queue.routingKey}, not ${routingKey}`);
    await this.register({ queue: queue.name, routingKey, handler: handler as Handler<RoutingKey>, ...(options.prefetch ? { prefetch: options.prefetch } : {}), work: { spec: queue, options: options as ConsumeOptions } });
  }

  /**
   * Subscribes this instance to a per-instance channel of the topology (e.g. `report-notify-queue`):
   * declares its own exclusive, auto-delete queue `<name>.<random>` bound to the routing key (again after
   * a reconnect), so every instance gets every event, unlike the competing consumers of a work queue.
   */
  async subscribe<K extends RoutingKey>(canonical: string, routingKey: K, handler: Handler<K>, options: SubscribeOptions = {}): Promise<Subscription> {
    const spec = this.topology.subscriptions.find((s) => s.canonical === canonical);
    if (!spec) throw new Error(`Unknown subscription ${canonical}; the contract declares ${this.topology.subscriptions.map((s) => s.canonical).join(', ') || 'none'}`);
    if (spec.routingKey !== routingKey) throw new Error(`Subscription ${canonical} carries ${spec.routingKey}, not ${routingKey}`);
    const reg: Registration = { queue: `${spec.name}.${randomBytes(6).toString('hex')}`, routingKey, handler: handler as Handler<RoutingKey>, subscription: options };
    if (options.prefetch) reg.prefetch = options.prefetch;
    await this.register(reg);
    return {
      queue: reg.queue,
      cancel: async () => {
        const index = this.registrations.indexOf(reg);
        if (index >= 0) this.registrations.splice(index, 1);
        const channel = reg.channel;
        reg.channel = undefined;
        await channel?.close().catch(() => undefined);
      },
    };
  }

  private async register(reg: Registration): Promise<void> {
    this.registrations.push(reg);
    if (this.conn) await this.attach(reg);
  }

  private async attach(reg: Registration): Promise<void> {
    const channel = await this.conn!.createChannel();
    channel.on('error', () => undefined); // the connection's close handler drives reconnection
    await channel.prefetch(reg.prefetch ?? 10);
    reg.channel = channel;
    if (reg.subscription) {
      await channel.assertQueue(reg.queue, { durable: false, exclusive: true, autoDelete: true });
      await channel.bindQueue(reg.queue, this.topology.exchange.name, reg.routingKey);
    }
    await channel.consume(reg.queue, (msg) => {
      if (msg) void this.deliver(reg, channel, msg);
    });
  }

  private async deliver(reg: Registration, channel: Channel, msg: ConsumeMessage): Promise<void> {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = attemptsSoFar(headers[this.topology.retry.countHeader], this.topology.retry.maxAttempts);
    const info: DeliveryInfo = { messageId: msg.properties.messageId, attempt, redelivered: msg.fields.redelivered, queue: reg.queue };
    let problem: string | undefined;
    let payload: unknown;
    try {
      payload = parseEventBody(msg.content, msg.properties.contentType);
      const checked = validatePayload(reg.routingKey, payload);
      if (checked.ok) payload = checked.value;
      else problem = `invalid payload: ${checked.errors.join('; ')}`;
    } catch (error) {
      problem = `not JSON: ${(error as Error).message}`;
    }
    const valid = payload as PayloadByRoutingKey[RoutingKey];
    if (reg.work) return this.settleWork(reg, reg.work, channel, msg, info, headers, problem, valid);
    if (problem) {
      settle(channel, msg, 'drop'); // no dead-letter exchange: gone
      reg.subscription?.onDropped?.(problem, info);
      return;
    }
    const failure = await outcomeOf(() => reg.handler(valid, info));
    if (!failure) return settle(channel, msg, 'ack');
    // Live notifications have no retry queue: one redelivery, then the event is dropped.
    settle(channel, msg, msg.fields.redelivered ? 'drop' : 'requeue');
    if (msg.fields.redelivered) reg.subscription?.onDropped?.(`failed twice: ${failure.message}`, info);
  }

  private async settleWork(
    reg: Registration,
    work: NonNullable<Registration['work']>,
    channel: Channel,
    msg: ConsumeMessage,
    info: DeliveryInfo,
    headers: Record<string, unknown>,
    problem: string | undefined,
    payload: PayloadByRoutingKey[RoutingKey],
  ): Promise<void> {
    const { attempt } = info;
    const deadLetter = async (reason: string, valid?: PayloadByRoutingKey[RoutingKey]) => {
      try {
        await work.options.onDeadLetter?.(reason, info, valid);
      } catch {
        // the message is dead either way
      }
      settle(channel, msg, 'drop'); // → DLX → <queue>.dlq, with x-death naming the queue
    };
    if (problem) {
      if (work.options.onInvalid === 'requeue') settle(channel, msg, 'requeue');
      else await deadLetter(problem);
      return;
    }
    const failure = await outcomeOf(() => reg.handler(payload, info));
    if (!failure) return settle(channel, msg, 'ack');
    if (failure instanceof PermanentError || attempt + 1 >= this.topology.retry.maxAttempts) {
      await deadLetter(failure instanceof PermanentError ? failure.message : `gave up after ${attempt + 1} attempts: ${failure.message}`, payload);
      return;
    }
    try {
      // The retry exchange feeds only this queue's TTL queue, which dead-letters back to this queue.
      await this.publishRaw(work.spec.retryExchange, '', msg.content, {
        messageId: msg.properties.messageId ?? randomUUID(),
        headers: { ...headers, [this.topology.retry.countHeader]: attempt + 1 },
        type: msg.properties.type,
      });
    } catch {
      return settle(channel, msg, 'requeue'); // could not schedule the retry: put it back and try again later
    }
    settle(channel, msg, 'ack');
  }

  /** Deletes a (throwaway) topology without declaring it first (e.g. after its services stopped). */
  static async deleteTopologyAt(url: string, topology: Topology): Promise<void> {
    const conn = await connect(url, { timeout: 3000 });
    try {
      await deleteTopology(await conn.createChannel(), topology);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  /** Deletes the (throwaway) topology this broker declared. */
  async deleteTopology(): Promise<void> {
    if (!this.conn) return;
    const ch = await this.conn.createChannel();
    try {
      await deleteTopology(ch, this.topology);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const conn = this.conn;
    this.channel = undefined;
    this.conn = undefined;
    await conn?.close().catch(() => undefined);
  }
}
