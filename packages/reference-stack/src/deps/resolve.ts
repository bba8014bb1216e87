import { connect as amqpConnect } from 'amqplib';
import { redact } from '@cleanapp/events/node';
import pg from 'pg';

/** Where a dependency came from, for logs, /version config and the target file. */
export type Source = 'env' | 'localhost' | 'testcontainers' | 'embedded';

export interface Resolved {
  url: string;
  source: Source;
  /** Stops what resolution started (a container); a no-op otherwise. */
  stop: () => Promise<void>;
}

export class DependencyNotFoundError extends Error {
  constructor(
    readonly dependency: 'RabbitMQ' | 'PostgreSQL',
    readonly attempts: string[],
  ) {
    super(
      `No ${dependency} found. Tried, in order:\n${attempts.map((a, i) => `  ${i + 1}. ${a}`).join('\n')}\n` +
        (dependency === 'RabbitMQ'
          ? 'Set AMQP_URL, start RabbitMQ on 127.0.0.1:5672 (e.g. `rabbitmq-server -detached`), or start a Docker engine so testcontainers can run one.'
          : 'Set DATABASE_URL, start PostgreSQL on 127.0.0.1:5432, or start a Docker engine so testcontainers can run one.'),
    );
  }
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** The "usual localhost port" candidate; overridable so tests can point it at a closed port. */
  localUrl?: string;
  /** Try testcontainers when nothing else answered (default true). */
  containers?: boolean;
  /** Per-probe timeout. */
  timeoutMs?: number;
}

const reason = (error: unknown): string => (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

export async function probeAmqp(url: string, timeoutMs = 2000): Promise<void> {
  const conn = await withTimeout(amqpConnect(url, { timeout: timeoutMs }), timeoutMs, `connect ${redact(url)}`);
  await conn.close();
}

export async function probePostgres(url: string, timeoutMs = 2000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // surfaces through connect()/query()
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}


/** Whether a container engine answers; testcontainers is imported lazily, only where it may be used. */
async function containerRuntime(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, why: reason(error) };
  }
}

const fixed = (url: string, source: Source): Resolved => ({ url, source, stop: async () => undefined });

/**
 * Steps 2 and 3 of the order both dependencies follow: the usual localhost port, then a testcontainers
 * container when an engine answers. Returns undefined (with every attempt recorded) when neither worked.
 */
async function localThenContainer(
  options: ResolveOptions,
  local: string,
  probe: (url: string, timeoutMs: number) => Promise<void>,
  startContainer: () => Promise<Resolved>,
  attempts: string[],
): Promise<Resolved | undefined> {
  try {
    await probe(local, options.timeoutMs ?? 2000);
    return fixed(local, 'localhost');
  } catch (error) {
    attempts.push(`${redact(local)}: ${reason(error)}`);
  }
  if (options.containers === false) {
    attempts.push('testcontainers: disabled');
    return undefined;
  }
  const runtime = await containerRuntime();
  if (runtime.ok) return startContainer();
  attempts.push(`testcontainers: ${runtime.why}`);
  return undefined;
}

/** Broker: AMQP_URL → amqp://guest:guest@127.0.0.1:5672 → a testcontainers RabbitMQ → error naming all three. */
export async function resolveBroker(options: ResolveOptions = {}): Promise<Resolved> {
  const env = options.env ?? process.env;
  // An explicit URL is a decision, not a hint: use it even if it is down right now (the stack reconnects).
  if (env.AMQP_URL) return fixed(env.AMQP_URL, 'env');
  const attempts = ['AMQP_URL: not set'];
  const found = await localThenContainer(options, options.localUrl ?? 'amqp://guest:guest@127.0.0.1:5672', probeAmqp, async () => {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    const container = await new RabbitMQContainer('rabbitmq:3.13-management').start();
    return { url: container.getAmqpUrl(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }, attempts);
  if (found) return found;
  throw new DependencyNotFoundError('RabbitMQ', attempts);
}

/**
 * Database: DATABASE_URL (postgres://… or pglite:[dir]) → postgres://postgres@127.0.0.1:5432/postgres →
 * a testcontainers PostgreSQL → embedded PGlite (in memory), so the stack always starts.
 * With `embeddedFallback: false` the last step is an error naming the three options instead.
 */
export async function resolveDatabase(options: ResolveOptions & { embeddedFallback?: boolean } = {}): Promise<Resolved> {
  const env = options.env ?? process.env;
  if (env.DATABASE_URL) return fixed(env.DATABASE_URL, env.DATABASE_URL.startsWith('pglite:') ? 'embedded' : 'env');
  const attempts = ['DATABASE_URL: not set'];
  const found = await localThenContainer(options, options.localUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres', probePostgres, async () => {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return { url: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }, attempts);
  if (found) return found;
  if (options.embeddedFallback === false) throw new DependencyNotFoundError('PostgreSQL', attempts);
  return fixed('pglite:memory', 'embedded');
}
