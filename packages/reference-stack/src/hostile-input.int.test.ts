// Hostile input at the stack's edges: tokens from the future on every authenticated surface, and
// pipeline events that are duplicates or name a report that does not exist (the poison kinds a broker
// consumer refuses on its own are swept in @cleanapp/events src/node/poison.int.test.ts).
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { decodeJwt, importJWK, SignJWT, type JWTPayload } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startStack, type RunningStack } from './stack.js';

let stack: RunningStack;
let template: JWTPayload;
let conn: ChannelModel;
let db: pg.Client;
const logs: string[] = [];

beforeAll(async () => {
  stack = await startStack({ log: (line) => logs.push(line) });
  template = decodeJwt(await stack.token());
  conn = await connect(stack.target.amqp.url);
  db = new pg.Client({ connectionString: stack.dependencies.database.url });
  await db.connect();
  await db.query(`set search_path to stack_${stack.id}`);
}, 90_000);
afterAll(async () => {
  await db?.end();
  await conn?.close().catch(() => undefined);
  await stack?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
async function signed(claims: JWTPayload): Promise<string> {
  const key = stack.target.auth.testSigningKey;
  return new SignJWT({ ...template, exp: now() + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: key.kid! }).sign(await importJWK(key, 'RS256'));
}

/** The HTTP status each authenticated surface answers for `token` (101 = the WebSocket upgrade). */
async function statuses(token: string): Promise<{ rest: number; graphql: number; ws: number }> {
  const authorization = `Bearer ${token}`;
  const rest = (await fetch(`${stack.target.rest.baseUrl}/api/v4/stats`, { headers: { authorization } })).status;
  const graphql = (await fetch(stack.target.graphql.url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status;
  const ws = await new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(stack.target.websocket.privilegedUrl, { headers: { authorization } });
    socket.once('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
  return { rest, graphql, ws };
}

describe('tokens with iat or nbf in the future', () => {
  const refused = { rest: 401, graphql: 401, ws: 401 };
  it.each([
    ['iat a year ahead', () => ({ iat: now() + 365 * 86_400 })],
    ['iat 2 min ahead', () => ({ iat: now() + 120 })],
    ['nbf 2 min ahead', () => ({ iat: now(), nbf: now() + 120 })],
    ['no iat', () => ({ iat: undefined })],
    ['iat 2 days ago (older than the maximum token age), exp still ahead', () => ({ iat: now() - 2 * 86_400 })],
  ])('%s → 401 on REST, GraphQL and the privileged WebSocket', async (_name, claims) => {
    expect(await statuses(await signed(claims()))).toEqual(refused);
  });

  it('iat and nbf 10 s ahead (clock skew within the tolerance) → accepted everywhere', async () => {
    expect(await statuses(await signed({ iat: now() + 10, nbf: now() + 10 }))).toEqual({ rest: 200, graphql: 200, ws: 101 });
  });
});

describe('pipeline events that are duplicates or name no report', () => {
  const dlqDepth = async (canonical: string) => {
    const ch = await conn.createChannel();
    try {
      return (await ch.checkQueue(`${stack.target.amqp.nameMap[canonical]}.dlq`)).messageCount;
    } finally {
      await ch.close();
    }
  };
  const publish = async (routingKey: string, payload: unknown) => {
    const ch = await conn.createConfirmChannel();
    ch.publish(stack.target.amqp.nameMap['cleanapp-exchange']!, routingKey, Buffer.from(JSON.stringify(payload)), {
      messageId: (payload as { event_id: string }).event_id,
      contentType: 'application/json',
      headers: { 'x-retry-count': 0 },
    });
    await ch.waitForConfirms();
    await ch.close();
  };

  it('a duplicate delivery of report.raw and report.analysed re-runs no step and publishes nothing', async () => {
    const api = await stack.token('report:submit report:read');
    const res = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source_id: `hostile-${stack.id}-dup`, latitude: 48.85, longitude: 2.35, title: 'bottle', description: 'plastic bottle', synthetic: true }),
    });
    const { public_id: publicId } = (await res.json()) as { public_id: string };
    const settled = () => db.query<{ status: string; updated_at: Date; rendered_at: Date }>('select status, updated_at, (select rendered_at from renders r where r.public_id = reports.public_id) from reports where public_id = $1', [publicId]);
    await vi.waitFor(async () => expect((await settled()).rows[0]?.status).toBe('rendered'), { timeout: 30_000, interval: 100 });
    const before = (await settled()).rows[0]!;
    const events = await db.query<{ routing_key: string; payload: { event_id: string } }>('select routing_key, payload from outbox where public_id = $1 order by id', [publicId]);
    expect(events.rows.map((r) => r.routing_key)).toEqual(['report.raw', 'report.analysed', 'report.rendered']);
    for (const e of events.rows.slice(0, 2)) await publish(e.routing_key, e.payload);
    const [raw, analysed] = events.rows.map((r) => r.payload.event_id);
    await vi.waitFor(
      () => {
        expect(logs).toContain(`[analyzer] duplicate ${raw} skipped`);
        expect(logs).toContain(`[renderer] duplicate ${analysed} skipped`);
      },
      { timeout: 15_000, interval: 100 },
    );
    const after = (await settled()).rows[0]!;
    expect(after).toEqual(before); // neither the analysis nor the render was written again
    expect((await db.query('select 1 from outbox where public_id = $1', [publicId])).rows).toHaveLength(3);
    expect(await dlqDepth('report-analysis-queue')).toBe(0);
    expect(await dlqDepth('report-renderer-queue')).toBe(0);
  }, 60_000);

  it('an event for a report that does not exist is dead-lettered at once as permanent, on both steps', async () => {
    const ghost = 'rpt_GhostGhost00';
    const analysisBefore = await dlqDepth('report-analysis-queue');
    const rendererBefore = await dlqDepth('report-renderer-queue');
    const hash = 'a'.repeat(64);
    await publish('report.raw', {
      version: 1, event_id: randomUUID(), public_id: ghost, receipt_id: 'rcp_GhostGhost00', seq: 7, source_id: 'ghost', lane: 'publish', content_hash: hash,
      submitted_at: new Date().toISOString(), report: { latitude: 1, longitude: 1, title: 't', description: 'd', tags: [], reported_at: new Date().toISOString(), synthetic: true },
    });
    await publish('report.analysed', {
      version: 1, event_id: randomUUID(), public_id: ghost, seq: 7, content_hash: hash,
      analysis: { classification: 'litter', severity_level: 0.5, brand_name: null, summary: 's', analysed_at: new Date().toISOString(), provider: 'test' },
    });
    await vi.waitFor(
      async () => {
        expect(await dlqDepth('report-analysis-queue')).toBe(analysisBefore + 1);
        expect(await dlqDepth('report-renderer-queue')).toBe(rendererBefore + 1);
      },
      { timeout: 10_000, interval: 100 },
    );
    // Permanent: dead-lettered on the first attempt, never retried, and logged with why.
    for (const worker of ['analyzer', 'renderer']) {
      expect(logs.filter((l) => l.startsWith(`[${worker}] dead-lettered`) && l.includes(`report ${ghost} does not exist`))).toHaveLength(1);
    }
    expect(logs.some((l) => l.includes(ghost) && l.includes('gave up after'))).toBe(false);
  }, 30_000);
});
