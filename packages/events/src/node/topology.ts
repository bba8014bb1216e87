import { loadAsyncApi } from '@cleanapp/contracts';

export interface QueueSpec {
  /** Canonical name from the contract (e.g. report-analysis-queue). */
  canonical: string;
  name: string;
  routingKey: string;
  dlq: string;
  retryExchange: string;
  retryQueue: string;
}

/**
 * A per-instance subscription (x-cleanapp-per-instance): every consumer declares its own exclusive,
 * auto-delete queue `<name>.<instance>` bound to the routing key, so each instance gets every event.
 */
export interface SubscriptionSpec {
  canonical: string;
  /** The base name (mapped and prefixed); an instance's queue is `<name>.<instance>`. */
  name: string;
  routingKey: string;
}

export interface Topology {
  exchange: { name: string; type: string };
  deadLetterExchange: { name: string; type: string };
  /** Shared work queues (competing consumers), each with a DLQ and a retry queue. */
  queues: QueueSpec[];
  subscriptions: SubscriptionSpec[];
  retry: { delayMs: number; maxAttempts: number; countHeader: string };
  /** Routing keys this stack publishes. */
  routingKeys: string[];
}

export interface NameOptions {
  /** An environment name from the contract's `x-cleanapp-name-maps`, or an explicit canonical → actual map. */
  environment?: string;
  nameMap?: Record<string, string>;
  /** Prepended to every exchange and queue name, isolating throwaway stacks on a shared broker. */
  prefix?: string;
}

interface AmqpChannel {
  address: string;
  'x-cleanapp-binds-to'?: string;
  'x-cleanapp-per-instance'?: boolean;
  bindings?: { amqp?: { is: string; exchange?: { name: string; type: string }; queue?: { name: string } } };
}

/** Reads the broker topology from the AsyncAPI contract and maps names for an environment. */
export function topologyFromContract(options: NameOptions = {}): Topology {
  const doc = loadAsyncApi() as {
    channels: Record<string, AmqpChannel>;
    'x-cleanapp-name-maps'?: Record<string, Record<string, string>>;
    'x-cleanapp-topology': {
      deadLetterExchange: { name: string; type: string };
      retry: { exchangePrefix: string; queueSuffix: string; dlqSuffix: string; countHeader: string; delayMs: number; maxAttempts: number };
    };
  };
  let map: Record<string, string> = {};
  if (options.environment) {
    const known = doc['x-cleanapp-name-maps'] ?? {};
    if (!known[options.environment]) {
      throw new Error(`Unknown environment "${options.environment}" for broker names; the contract maps: ${Object.keys(known).join(', ') || 'none'}`);
    }
    map = known[options.environment]!;
  }
  map = { ...map, ...options.nameMap };
  const prefix = options.prefix ?? '';
  const name = (canonical: string) => `${prefix}${map[canonical] ?? canonical}`;
  const t = doc['x-cleanapp-topology'];

  const channels = Object.values(doc.channels);
  const exchanges = channels.map((c) => c.bindings?.amqp?.exchange).filter((e): e is { name: string; type: string } => !!e);
  const first = exchanges[0];
  if (!first || exchanges.some((e) => e.name !== first.name)) {
    throw new Error('The AsyncAPI contract must route every event through one exchange');
  }
  const queueChannels = channels
    .filter((c) => c.bindings?.amqp?.is === 'queue')
    .map((c) => {
      const canonical = c.bindings!.amqp!.queue?.name ?? c.address;
      const routingKey = c['x-cleanapp-binds-to'];
      if (!routingKey) throw new Error(`Queue channel ${canonical} has no x-cleanapp-binds-to routing key`);
      return { canonical, name: name(canonical), routingKey, perInstance: c['x-cleanapp-per-instance'] === true };
    });
  const subscriptions = queueChannels.filter((c) => c.perInstance).map(({ canonical, name: actual, routingKey }) => ({ canonical, name: actual, routingKey }));
  const queues = queueChannels
    .filter((c) => !c.perInstance)
    .map(({ canonical, name: actual, routingKey }) => ({
      canonical,
      name: actual,
      routingKey,
      dlq: `${actual}${t.retry.dlqSuffix}`,
      retryExchange: `${prefix}${t.retry.exchangePrefix}${map[canonical] ?? canonical}`,
      retryQueue: `${actual}${t.retry.queueSuffix}`,
    }));
  return {
    exchange: { name: name(first.name), type: first.type },
    deadLetterExchange: { name: name(t.deadLetterExchange.name), type: t.deadLetterExchange.type },
    queues,
    subscriptions,
    retry: { delayMs: t.retry.delayMs, maxAttempts: t.retry.maxAttempts, countHeader: t.retry.countHeader },
    routingKeys: channels.filter((c) => c.bindings?.amqp?.is === 'routingKey').map((c) => c.address),
  };
}

interface Declarer {
  assertExchange(name: string, type: string, options: object): Promise<unknown>;
  assertQueue(name: string, options: object): Promise<unknown>;
  bindQueue(queue: string, exchange: string, key: string): Promise<unknown>;
}

/**
 * Declares exchange, work queues (dead-lettering into <queue>.dlq through the DLX), and per-queue retry
 * exchange + TTL queue whose dead-letter target is the default exchange with the queue's own name, so a
 * retried message returns only to the queue that failed. `expiresMs` makes throwaway topologies vanish.
 */
export async function declareTopology(ch: Declarer, topo: Topology, options: { expiresMs?: number } = {}): Promise<void> {
  const temp = options.expiresMs ? { arguments: { 'x-expires': options.expiresMs } } : {};
  const durable = { durable: true, autoDelete: false };
  await ch.assertExchange(topo.exchange.name, topo.exchange.type, durable);
  await ch.assertExchange(topo.deadLetterExchange.name, topo.deadLetterExchange.type, durable);
  for (const q of topo.queues) {
    await ch.assertQueue(q.dlq, { ...durable, ...temp });
    await ch.bindQueue(q.dlq, topo.deadLetterExchange.name, q.name);
    await ch.assertQueue(q.name, {
      ...durable,
      arguments: { ...temp.arguments, 'x-dead-letter-exchange': topo.deadLetterExchange.name, 'x-dead-letter-routing-key': q.name },
    });
    await ch.bindQueue(q.name, topo.exchange.name, q.routingKey);
    await ch.assertExchange(q.retryExchange, 'fanout', durable);
    await ch.assertQueue(q.retryQueue, {
      ...durable,
      arguments: { ...temp.arguments, 'x-message-ttl': topo.retry.delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': q.name },
    });
    await ch.bindQueue(q.retryQueue, q.retryExchange, '');
  }
}

/** Removes a throwaway topology (the stack's own prefix only). */
export async function deleteTopology(
  ch: { deleteQueue(name: string): Promise<unknown>; deleteExchange(name: string): Promise<unknown> },
  topo: Topology,
): Promise<void> {
  for (const q of topo.queues) {
    for (const name of [q.name, q.dlq, q.retryQueue]) await ch.deleteQueue(name);
    await ch.deleteExchange(q.retryExchange);
  }
  await ch.deleteExchange(topo.exchange.name);
  await ch.deleteExchange(topo.deadLetterExchange.name);
}
