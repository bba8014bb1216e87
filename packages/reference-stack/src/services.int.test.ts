import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApiClient } from '@cleanapp/api-client';
import { Broker, topologyFromContract } from '@cleanapp/events/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dropSchema } from './store/db.js';
import { expectOpsEndpoints } from './testing/platform.js';
import { freePort } from './testing/ports.js';

// Each service as its own process, configured only by environment variables — what compose/ runs.
const bin = fileURLToPath(new URL('../bin/stack.mjs', import.meta.url));
const id = randomBytes(3).toString('hex');
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const shared = { AMQP_URL: amqpUrl, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: `svc_${id}`, BROKER_PREFIX: `svc-${id}.` };
const children: ChildProcess[] = [];
const output: string[] = [];

function start(service: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [bin, service], { env: { ...process.env, ...shared, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} did not start:\n${output.join('')}`)), 40_000);
    const onData = (d: Buffer) => {
      output.push(`[${service}] ${d}`);
      if (/\] (http|consuming)/.test(d.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${service} exited with ${code}:\n${output.join('')}`)));
  });
}

const ports = { issuer: 0, api: 0, analyzer: 0, renderer: 0, policy: 0 };
const secret = randomBytes(12).toString('hex');

beforeAll(async () => {
  for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
  await start('token-issuer', { PORT: String(ports.issuer), OAUTH_CLIENTS: `svc-test:${secret}:report:submit report:read` });
  await start('policy', { PORT: String(ports.policy) });
  await Promise.all([
    start('api', { PORT: String(ports.api), TOKEN_ISSUER: `http://127.0.0.1:${ports.issuer}`, CORS_ORIGINS: 'https://app.example.test', POLICY_URL: `http://127.0.0.1:${ports.policy}` }),
    start('analyzer', { HEALTH_PORT: String(ports.analyzer) }),
    start('renderer', { HEALTH_PORT: String(ports.renderer), PUBLIC_URL: `http://127.0.0.1:${ports.api}` }),
  ]);
}, 90_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await Broker.deleteTopologyAt(amqpUrl, topologyFromContract({ prefix: shared.BROKER_PREFIX }));
  await dropSchema(databaseUrl, shared.DATABASE_SCHEMA);
}, 30_000);

describe('services started one by one, configured by environment variables', () => {
  it('serve the pipeline together: ingest through the API, rendered by the workers', async () => {
    const tokenRes = await fetch(`http://127.0.0.1:${ports.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`svc-test:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(tokenRes.status).toBe(200);
    const api = createApiClient({ baseUrl: `http://127.0.0.1:${ports.api}`, token: ((await tokenRes.json()) as { access_token: string }).access_token });
    const version = await api.GET('/version');
    expect(version.data?.runtime_mode).toBe('standalone');
    const { data, error, response } = await api.POST('/api/v4/reports', { body: { source_id: `svc-${id}`, latitude: 1, longitude: 2, title: 'spray paint graffiti', synthetic: true } });
    expect(response.status, JSON.stringify(error)).toBe(202);
    await vi.waitFor(async () => {
      const status = (await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: data!.public_id } } })).data?.status;
      if (status !== 'rendered') throw new Error(`waiting for the report to be rendered (status ${status ?? 'missing'})`);
    }, { timeout: 10_000, interval: 100 });
    for (const worker of ['analyzer', 'renderer'] as const) {
      const health = await fetch(`http://127.0.0.1:${ports[worker]}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', service: worker });
    }
  });

  it('each answer /healthz and /version with their own identity (the platform standard)', async () => {
    const services = { issuer: ['token-issuer', []], api: ['cleanapp-api', ['amqp', 'db']], analyzer: ['analyzer', ['amqp', 'db']], renderer: ['renderer', ['amqp', 'db']], policy: ['policy', ['db']] } as const;
    for (const [key, [service, dependencies]] of Object.entries(services)) {
      await expectOpsEndpoints(`http://127.0.0.1:${ports[key as keyof typeof ports]}`, service, { authRequired: true, runtimeMode: 'standalone', dependencies: [...dependencies] });
    }
  });

  it('refuse to start without their required configuration, naming it', async () => {
    const child = spawn(process.execPath, [bin, 'api'], { env: { ...process.env, ...shared, TOKEN_ISSUER: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('environment variable TOKEN_ISSUER is required');
  });
});
