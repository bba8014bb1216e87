import { loadAsyncApi } from '@cleanapp/contracts';
import { isRoutingKey, validatePayload } from '@cleanapp/events';
import { connect, type ChannelModel } from 'amqplib';
import type { Target } from './target.js';

/** The name a broker object has in the target's environment (its nameMap, or a name map of the contract). */
export function brokerName(target: Target, canonical: string): string {
  const amqp = target.amqp;
  if (!amqp) throw new Error('the target has no amqp section');
  if (amqp.nameMap) return amqp.nameMap[canonical] ?? canonical;
  if (amqp.environment) {
    const maps = (loadAsyncApi()['x-cleanapp-name-maps'] ?? {}) as Record<string, Record<string, string>>;
    return maps[amqp.environment]?.[canonical] ?? canonical;
  }
  return canonical;
}

export interface TappedMessage {
  routingKey: string;
  messageId?: string;
  payload: unknown;
  /** Problems found validating the payload against its schema (empty = valid). */
  problems: string[];
}

/**
 * A temporary, exclusive queue bound to the pipeline exchange for some routing keys: it observes events
 * without taking them from the services' own queues, and disappears with its connection.
 */
export async function openTap(target: Target, routingKeys: string[]) {
  const conn: ChannelModel = await connect(target.amqp!.url, { timeout: 5000 });
  const channel = await conn.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  const exchange = brokerName(target, 'cleanapp-exchange');
  for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
  const messages: TappedMessage[] = [];
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      const routingKey = msg.fields.routingKey;
      let payload: unknown;
      let problems: string[] = [];
      try {
        payload = JSON.parse(msg.content.toString('utf8'));
        if (isRoutingKey(routingKey)) {
          const checked = validatePayload(routingKey, payload);
          if (!checked.ok) problems = checked.errors;
        }
      } catch (error) {
        problems = [`not JSON: ${(error as Error).message}`];
      }
      messages.push({ routingKey, messageId: msg.properties.messageId as string | undefined, payload, problems });
    },
    { noAck: true },
  );
  return {
    messages,
    exchange,
    channel,
    /**
     * The first message seen matching `predicate`; throws (naming `what`) while there is none, so a suite
     * waits for one with `waitWithin(target, budget, what, () => tap.first(predicate, what))`.
     */
    first(predicate: (m: TappedMessage) => boolean, what: string): TappedMessage {
      const found = messages.find(predicate);
      if (!found) throw new Error(`waiting for ${what} on ${exchange} (${messages.length} other messages seen)`);
      return found;
    },
    close: () => conn.close().catch(() => undefined),
  };
}
