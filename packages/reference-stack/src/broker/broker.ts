import { EventEmitter } from 'node:events';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { redact } from '../deps/resolve.js';
import { declareTopology, deleteTopology, type Topology } from './topology.js';

export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(`The broker is unavailable: ${message}`);
  }
}

export interface PublishOptions {
  messageId: string;
  headers?: Record<string, unknown>;
  type?: string;
}

/**
 * One AMQP connection with a confirm channel, reconnecting with backoff after the broker goes away.
 * Publishing waits for the broker's confirm and fails on a `basic.return` (unroutable), so the caller
 * (the outbox) only marks an event sent when RabbitMQ has taken responsibility for it.
 */
export class Broker extends EventEmitter {
  private conn: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private lastError = 'not connected yet';
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly returned = new Map<string, (reason: string) => void>();

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
    const channel = this.channel;
    if (!channel) throw new BrokerUnavailableError(this.lastError);
    const body = Buffer.from(JSON.stringify(payload));
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
          this.topology.exchange.name,
          routingKey,
          body,
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: options.messageId,
            type: options.type ?? routingKey,
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
