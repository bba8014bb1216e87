// Services started alone as the CLI runs them (compose/), each a child process configured by environment
// variables: the platform standard holds there too, and AUTH_REQUIRED=false is said loudly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Broker, topologyFromContract } from '@cleanapp/events/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from './store/db.js';
import { freePort } from './testing/ports.js';
import { expectOpsEndpoints, expectOversizeEnvelopes } from './testing/platform.js';

const bin = fileURLToPath(new URL('../bin/stack.mjs', import.meta.url));
const id = randomBytes(3).toString('hex');
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const infra = { AMQP_URL: amqpUrl, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: `plat_${id}`, BROKER_PREFIX: `plat-${id}.` };
const children: { child: ChildProcess; stderr: string[] }[] = [];

/** Starts `service` alone; resolves with its stderr so far once it says it listens. */
async function startAlone(service: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [bin, service], { env: { ...process.env, AUTH_REQUIRED: '', ...infra, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const entry = { child, stderr: [] as string[] };
  children.push(entry);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} did not start:\n${entry.stderr.join('')}`)), 40_000);
    child.stderr!.on('data', (d: Buffer) => {
      entry.stderr.push(d.toString());
      if (entry.stderr.join('').includes(`[${service}] http`) || entry.stderr.join('').includes(`[${service}] ws`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${service} exited with ${code}:\n${entry.stderr.join('')}`)));
  });
  return entry.stderr.join('');
}

const ports = { issuer: 0, hub: 0 };
let issuerLog = '';
let hubLog = '';

beforeAll(async () => {
  ports.issuer = await freePort();
  ports.hub = await freePort();
  issuerLog = await startAlone('token-issuer', { PORT: String(ports.issuer), OAUTH_CLIENTS: `plat:${randomBytes(8).toString('hex')}:report:read` });
  hubLog = await startAlone('ws-hub', { PORT: String(ports.hub), TOKEN_ISSUER: `http://127.0.0.1:${ports.issuer}`, AUTH_REQUIRED: 'false' });
}, 90_000);

afterAll(async () => {
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
  await Broker.deleteTopologyAt(amqpUrl, topologyFromContract({ prefix: infra.BROKER_PREFIX }));
  await dropSchema(databaseUrl, infra.DATABASE_SCHEMA);
}, 30_000);

describe('services started alone through the CLI', () => {
  it('the token issuer (AUTH_REQUIRED unset: required) answers /healthz, /version and the oversize envelopes', async () => {
    const base = `http://127.0.0.1:${ports.issuer}`;
    await expectOpsEndpoints(base, 'token-issuer', { authRequired: true, runtimeMode: 'standalone', dependencies: [] });
    await expectOversizeEnvelopes(base, '/oauth/token');
    expect(issuerLog).not.toContain('AUTH_REQUIRED=false');
  });

  it('the ws-hub with AUTH_REQUIRED=false says so at start and in /version, and keeps the standard', async () => {
    expect(hubLog).toMatch(/\[ws-hub\] !!! AUTH_REQUIRED=false: accepting requests WITHOUT a token/);
    const base = `http://127.0.0.1:${ports.hub}`;
    await expectOpsEndpoints(base, 'ws-hub', { authRequired: false, runtimeMode: 'standalone', dependencies: ['amqp', 'db'] });
    await expectOversizeEnvelopes(base);
  });
});
