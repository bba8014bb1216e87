import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { Broker, topologyFromContract } from '@cleanapp/events/node';
import { connect } from 'amqplib';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropSchema } from './store/db.js';
import { stackNamespace, startStack, type RunningStack } from './stack.js';

// A stack's namespace on the shared broker and database: throwaway ones vanish on stop, named ones stay.

/** The stack's exchanges and queues (work queues with their DLQs and retry queues). */
function brokerNames(stack: RunningStack): { exchanges: string[]; queues: string[] } {
  const t = topologyFromContract({ prefix: stack.namespace.brokerPrefix });
  return { exchanges: [t.exchange.name, t.deadLetterExchange.name, ...t.queues.map((q) => q.retryExchange)], queues: t.queues.flatMap((q) => [q.name, q.dlq, q.retryQueue]) };
}

/** Which of the stack's broker names and its schema still exist. */
async function leftovers(stack: RunningStack): Promise<string[]> {
  const found: string[] = [];
  const { exchanges, queues } = brokerNames(stack);
  const conn = await connect(stack.target.amqp.url);
  try {
    // A passive check of a missing name closes its channel (404): one channel per name.
    for (const [names, check] of [[exchanges, 'checkExchange'], [queues, 'checkQueue']] as const) {
      for (const name of names) {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        if (await ch[check](name).then(() => true, () => false)) found.push(name);
        await ch.close().catch(() => undefined);
      }
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
  const client = new pg.Client({ connectionString: stack.dependencies.database.url });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from information_schema.schemata where schema_name = $1', [stack.namespace.schema]);
    if (rowCount) found.push(`schema ${stack.namespace.schema}`);
  } finally {
    await client.end();
  }
  return found;
}

describe('stack namespaces', () => {
  it('names: throwaway by default, explicit, or the canonical `cleanapp`; refuses what cannot name a schema', () => {
    expect(stackNamespace({}, 'ab12cd34')).toEqual({ name: 'stack_ab12cd34', brokerPrefix: 'stack_ab12cd34.', schema: 'stack_ab12cd34', disposable: true });
    expect(stackNamespace({ namespace: 'ci_main' }, 'x')).toEqual({ name: 'ci_main', brokerPrefix: 'ci_main.', schema: 'ci_main', disposable: false });
    expect(stackNamespace({ ephemeral: false }, 'x')).toEqual({ name: 'cleanapp', brokerPrefix: '', schema: 'cleanapp', disposable: false });
    expect(() => stackNamespace({ namespace: 'Bad-Name' }, 'x')).toThrow(/Invalid namespace "Bad-Name"/);
  });

  it('a throwaway namespace (the default) is removed on stop: queues, exchanges, schema, target file', async () => {
    const stack = await startStack();
    expect(stack.target.namespace).toBe(stack.namespace.name);
    const { exchanges, queues } = brokerNames(stack);
    expect(await leftovers(stack)).toHaveLength(exchanges.length + queues.length + 1);
    await stack.stop();
    expect(await leftovers(stack)).toEqual([]);
    expect(existsSync(stack.targetFile)).toBe(false);
  }, 60_000);

  it('an explicitly named namespace is kept on stop, for the next run with that name', async () => {
    const namespace = `ns_${randomBytes(4).toString('hex')}`;
    const stack = await startStack({ namespace });
    try {
      expect(stack.target).toMatchObject({ name: `embedded-${namespace}`, namespace });
      expect(stack.target.amqp.nameMap['report-analysis-queue']).toBe(`${namespace}.report-analysis-queue`);
      await stack.stop();
      expect(existsSync(stack.targetFile)).toBe(true);
      expect(await leftovers(stack)).toContain(`${namespace}.report-analysis-queue`);
      expect(await leftovers(stack)).toContain(`schema ${namespace}`);
    } finally {
      await stack.stop();
      await Broker.deleteTopologyAt(stack.target.amqp.url, topologyFromContract({ prefix: `${namespace}.` }));
      await dropSchema(stack.dependencies.database.url, namespace);
      rmSync(stack.targetFile, { force: true });
    }
  }, 60_000);
});
