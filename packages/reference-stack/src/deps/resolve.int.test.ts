import { describe, expect, it } from 'vitest';
import { DependencyNotFoundError, resolveBroker, resolveDatabase } from './resolve.js';

// Nothing listens on port 9 (discard) here; it stands in for "the usual localhost port is closed".
const CLOSED_AMQP = 'amqp://guest:guest@127.0.0.1:9';
const CLOSED_PG = 'postgres://postgres@127.0.0.1:9/postgres';

const hasDocker = await import('testcontainers')
  .then(({ getContainerRuntimeClient }) => getContainerRuntimeClient())
  .then(
    () => true,
    () => false,
  );

describe('resolveBroker', () => {
  it('uses AMQP_URL as given, without probing', async () => {
    const r = await resolveBroker({ env: { AMQP_URL: 'amqp://u:p@broker.invalid:5672' } });
    expect(r).toMatchObject({ url: 'amqp://u:p@broker.invalid:5672', source: 'env' });
  });

  it('falls back to the usual localhost port when it answers', async () => {
    const r = await resolveBroker({ env: {}, localUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' });
    expect(r.source).toBe('localhost');
  });

  it.skipIf(hasDocker)('without a URL, a local broker or a Docker engine, names all three options', async () => {
    const error = await resolveBroker({ env: {}, localUrl: CLOSED_AMQP }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain('1. AMQP_URL: not set');
    expect(message).toMatch(/2\. amqp:\/\/guest:\*\*\*@127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(message).toMatch(/3\. testcontainers: .*container runtime/i);
    expect(message).toContain('Set AMQP_URL, start RabbitMQ on 127.0.0.1:5672');
  });
});

describe('resolveDatabase', () => {
  it('uses DATABASE_URL, including the embedded pglite: scheme', async () => {
    expect(await resolveDatabase({ env: { DATABASE_URL: 'postgres://x@db.invalid/db' } })).toMatchObject({ source: 'env' });
    expect(await resolveDatabase({ env: { DATABASE_URL: 'pglite:memory' } })).toMatchObject({ source: 'embedded' });
  });

  it('falls back to the usual localhost port when it answers', async () => {
    const r = await resolveDatabase({ env: {}, localUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(r.source).toBe('localhost');
  });

  it.skipIf(hasDocker)('ends in embedded PGlite, or with embeddedFallback:false in an error naming the options', async () => {
    expect(await resolveDatabase({ env: {}, localUrl: CLOSED_PG })).toMatchObject({ url: 'pglite:memory', source: 'embedded' });
    const error = await resolveDatabase({ env: {}, localUrl: CLOSED_PG, embeddedFallback: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect((error as Error).message).toMatch(/DATABASE_URL: not set[\s\S]*127\.0\.0\.1:9[\s\S]*testcontainers/);
  });
});
