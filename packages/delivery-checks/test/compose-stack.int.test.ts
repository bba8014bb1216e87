// compose/compose.yaml run without Docker: every app service is started from its own `command` and
// `environment` (compose interpolation applied; service host names and ports mapped to free local ports,
// RabbitMQ/PostgreSQL to the machine's), in `depends_on` order, each waited for with its own `healthcheck`
// command run verbatim; then the smoke-runner's command runs against target.compose.yaml (host names
// mapped the same way). Proves the env vars, commands, health checks and target file fit the services.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { Broker, topologyFromContract } from '@cleanapp/events/node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { interpolate } from '../src/interpolate.js';
import { root, tempDir } from './helpers.js';

type Obj = Record<string, any>;
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const id = randomBytes(3).toString('hex');
const schema = `compose_${id}`;
const vars: Record<string, string> = { CLEANAPP_SMOKE_CLIENT_SECRET: randomBytes(16).toString('hex'), CLEANAPP_BROKER_PREFIX: `t-compose-${id}.` };

const compose = parse(readFileSync(join(root, 'compose/compose.yaml'), 'utf8'), { merge: true }) as Obj;
const services = compose.services as Record<string, Obj>;
const INFRA = new Set(['rabbitmq', 'postgres']);
const app = Object.keys(services).filter((n) => !INFRA.has(n) && !services[n]!.profiles);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** service -> container port -> local port; published host port -> local port. */
const portMap = new Map<string, Map<string, number>>();
const published = new Map<string, number>();

function rewrite(value: string, self?: string): string {
  let out = value
    .replace(/amqp:\/\/[^@\s]*@rabbitmq:5672\S*/g, AMQP_URL)
    .replace(/postgres:\/\/[^@\s]*@postgres:5432\S*/g, DATABASE_URL)
    .replace(/\b([a-z][a-z0-9-]*):(\d+)\b/g, (m, host: string, port: string) => {
      const local = portMap.get(host)?.get(port);
      return local ? `127.0.0.1:${local}` : m;
    })
    .replace(/\blocalhost:(\d+)\b/g, (m, port: string) => (published.has(port) ? `127.0.0.1:${published.get(port)}` : m));
  // Inside a container 127.0.0.1:<port> is the service itself.
  if (self) out = out.replace(/127\.0\.0\.1:(\d+)/g, (m, port: string) => (portMap.get(self)?.has(port) ? `127.0.0.1:${portMap.get(self)!.get(port)}` : m));
  return out;
}

function serviceEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries((services[name]!.environment ?? {}) as Record<string, unknown>)) {
    const value = interpolate(String(v ?? ''), vars);
    env[k] = k === 'PORT' || k === 'HEALTH_PORT' ? String(portMap.get(name)!.get(value)) : rewrite(value);
  }
  if (env.HOST) env.HOST = '127.0.0.1';
  if (env.DATABASE_SCHEMA) env.DATABASE_SCHEMA = schema;
  return env;
}

const children = new Map<string, ChildProcess>();
const logs = new Map<string, string>();

function healthy(name: string): boolean {
  const [kind, cmd, ...args] = services[name]!.healthcheck.test as string[];
  expect(kind).toBe('CMD');
  const r = spawnSync(cmd === 'node' ? process.execPath : cmd!, args.map((a) => rewrite(a, name)), { timeout: 5_000 });
  return r.status === 0;
}

async function waitHealthy(name: string, child: ChildProcess): Promise<void> {
  // A child that exits ends the wait at once (returned, not thrown, so it is not retried).
  const exited = await vi.waitFor(() => {
    if (child.exitCode !== null) return true;
    if (!healthy(name)) throw new Error(`waiting for ${name} to be healthy within 90 s:\n${logs.get(name)}`);
    return false;
  }, { timeout: 90_000, interval: 300 });
  if (exited) throw new Error(`${name} exited ${child.exitCode}:\n${logs.get(name)}`);
}

const reachable = async (url: string) => {
  const { hostname, port } = new URL(url);
  return new Promise<boolean>((resolve) => {
    const s = connect(Number(port), hostname, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });
};

const depsUp = (await reachable(AMQP_URL.replace(/^amqp/, 'http'))) && (await reachable(DATABASE_URL.replace(/^postgres(ql)?/, 'http')));

describe.skipIf(!depsUp)('compose stack without Docker (RabbitMQ and PostgreSQL of this machine)', () => {
  beforeAll(async () => {
    for (const name of app) {
      const env = (services[name]!.environment ?? {}) as Record<string, string>;
      const m = new Map<string, number>();
      for (const key of ['PORT', 'HEALTH_PORT']) if (env[key]) m.set(String(env[key]), await freePort());
      portMap.set(name, m);
      for (const p of (services[name]!.ports ?? []) as string[]) {
        const [, hostPort, containerPort] = /^(?:[\d.]+:)?(\d+):(\d+)$/.exec(p) ?? [];
        if (hostPort && m.has(containerPort!)) published.set(hostPort, m.get(containerPort!)!);
      }
    }
    // depends_on order, as compose does with condition: service_healthy.
    const started = new Set<string>();
    while (started.size < app.length) {
      const ready = app.filter((n) => !started.has(n) && Object.keys(services[n]!.depends_on ?? {}).every((d) => INFRA.has(d) || started.has(d)));
      expect(ready.length, 'a depends_on cycle').toBeGreaterThan(0);
      await Promise.all(
        ready.map(async (name) => {
          const [cmd, ...args] = services[name]!.command as string[];
          const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, {
            cwd: root,
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...serviceEnv(name) },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          children.set(name, child);
          logs.set(name, '');
          const log = (c: Buffer) => logs.set(name, (logs.get(name)! + c.toString()).slice(-4000));
          child.stdout!.on('data', log);
          child.stderr!.on('data', log);
          await waitHealthy(name, child);
          started.add(name);
        }),
      );
    }
  }, 240_000);

  afterAll(async () => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    // An explicitly named namespace (BROKER_PREFIX) is kept when its services stop: remove it here.
    await Broker.deleteTopologyAt(AMQP_URL, topologyFromContract({ prefix: vars.CLEANAPP_BROKER_PREFIX! }));
  }, 60_000);

  it('every service became healthy through its own compose health check', () => {
    for (const name of app) expect(healthy(name), name).toBe(true);
  });

  it("the smoke-runner's command passes against target.compose.yaml", () => {
    const dir = tempDir();
    const target = readFileSync(join(root, 'compose/target.compose.yaml'), 'utf8');
    // The services here share the machine's broker under a prefix (BROKER_PREFIX); tell the suites the
    // prefixed names, as a real environment's target names its own (amqp.nameMap).
    const prefix = vars.CLEANAPP_BROKER_PREFIX!;
    const names = ['cleanapp-exchange', 'cleanapp-dlx', 'report-analysis-queue', 'report-renderer-queue', 'report-notify-queue'];
    const nameMap = `  nameMap:\n${names.map((n) => `    ${n}: ${prefix}${n}`).join('\n')}\n`;
    writeFileSync(join(dir, 'target.yaml'), rewrite(target).replace(/^(amqp:\n  url: .*\n)/m, `$1${nameMap}`));
    const runner = services['smoke-runner']!;
    const [cmd, ...args] = (runner.command as string[]).map((a) => a.replace('/work/compose/target.compose.yaml', join(dir, 'target.yaml')).replace('/work/.reports/smoke', join(dir, 'report')));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(runner.environment as Record<string, string>)) env[k] = rewrite(interpolate(String(v), vars));
    const r = spawnSync(cmd!, args, { cwd: root, env: { ...process.env, ...env, GITHUB_STEP_SUMMARY: '' }, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'report/results.json'), 'utf8')) as { summary: { passed: number; failed: number } };
    expect(results.summary.failed).toBe(0);
    expect(results.summary.passed).toBeGreaterThan(0);
  }, 200_000);

  it('every service stops cleanly on SIGTERM (docker compose stop), dependents first', async () => {
    const order = [...app].reverse();
    for (const name of order) {
      const child = children.get(name)!;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      expect(code, `${name} after SIGTERM:\n${logs.get(name)}`).toBe(0);
    }
  }, 120_000);
});
