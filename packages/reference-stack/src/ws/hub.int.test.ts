import { randomBytes, randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportRenderedPayload } from '@cleanapp/events';
import { Broker, topologyFromContract } from '@cleanapp/events/node';
import { serve, type ServerType } from '@hono/node-server';
import { WebSocket, type ClientOptions } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIssuerApp, type OAuthClient } from '../auth/issuer.js';
import { KeyRing } from '../auth/keys.js';
import { TokenVerifier } from '../auth/verify.js';
import { PUBLIC_FIELDS, startWsHub, type ReportLane, type WsHub, type WsHubOptions } from './hub.js';

// A real RabbitMQ (AMQP_URL or the local default); every broker here uses its own throwaway prefix.
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runId = randomBytes(4).toString('hex');
const audience = 'cleanapp-api';
const MAX_MESSAGE_BYTES = 1024;
const WAIT_MS = 3_000;

interface Message {
  type: string;
  data: Record<string, unknown>;
  timestamp: string;
}

interface Probe {
  ws: WebSocket;
  /** The next message (optionally: the next one of this type, skipping others). */
  next(type?: string): Promise<Message>;
  closed: Promise<{ code: number; reason: string }>;
}

interface Issuer {
  server: ServerType;
  verifier: TokenVerifier;
  token(scope?: string): Promise<string>;
}

const issuers: Issuer[] = [];
let verifier: TokenVerifier;
let token: Issuer['token'];
const started: { hub: WsHub; broker: Broker }[] = [];
const probes: WebSocket[] = [];
const logs: string[] = [];

// The reports that "exist" (as the stack's database would say), by lane; and what the hub asked.
const lanes = new Map<string, ReportLane>();
const decided = new Map<string, ReportLane | undefined>();
const lookup = async (publicId: string) => {
  const lane = lanes.get(publicId);
  decided.set(publicId, lane);
  return lane;
};

let hub: WsHub;
let broker: Broker;

/** A token issuer on a free port (as src/stack.ts wires it) and a verifier reading its JWKS over HTTP. */
async function startIssuer(tokenTtlSeconds?: number): Promise<Issuer> {
  const keys = await KeyRing.create();
  const client: OAuthClient = { clientId: 'ws-test', clientSecret: randomBytes(24).toString('base64url'), scopes: ['report:read', 'report:submit'] };
  let app: ReturnType<typeof createIssuerApp> | undefined;
  let url = '';
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (req) => (app ? app.fetch(req) : new Response('starting', { status: 503 })), hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`;
      resolve(s);
    });
  });
  app = createIssuerApp({ issuer: url, audience, clients: [client], keys, ...(tokenTtlSeconds ? { tokenTtlSeconds } : {}) });
  const issuer: Issuer = {
    server,
    verifier: new TokenVerifier({ issuer: url, audience, jwksUrl: `${url}/.well-known/jwks.json` }),
    async token(scope) {
      const res = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
  issuers.push(issuer);
  return issuer;
}

async function makeHub(extra: Partial<WsHubOptions> = {}): Promise<{ hub: WsHub; broker: Broker }> {
  const b = new Broker(amqpUrl, topologyFromContract({ prefix: `t-ws-${runId}-${started.length}.` }), { expiresMs: 120_000 });
  await b.start();
  const h = await startWsHub({ host: '127.0.0.1', verifier, broker: b, log: (line) => logs.push(line), lookup, maxMessageBytes: MAX_MESSAGE_BYTES, ...extra });
  started.push({ hub: h, broker: b });
  return { hub: h, broker: b };
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
  ]);
}

/** Opens a client that records every message from the first byte on (so the welcome is never missed). */
function connect(url: string, protocols?: string[], options: ClientOptions = {}): Promise<Probe> {
  const ws = new WebSocket(url, protocols, options);
  probes.push(ws);
  const buffered: Message[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    buffered.push(JSON.parse(data.toString()) as Message);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const next = (type?: string) =>
    withTimeout(
      new Promise<Message>((resolve) => {
        const look = () => {
          while (buffered.length > 0) {
            const m = buffered.shift()!;
            if (!type || m.type === type) return resolve(m);
          }
          waiters.push(look);
        };
        look();
      }),
      `a ${type ?? 'any'} message`,
    );
  return withTimeout(
    new Promise<Probe>((resolve, reject) => {
      ws.once('open', () => resolve({ ws, next, closed }));
      ws.once('error', reject);
    }),
    `${url} to open`,
  );
}

/** A raw handshake: tells whether the server answered 101 or a plain HTTP error (status, headers, body). */
function handshake(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request(url.replace(/^ws/, 'http'), {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13', ...headers },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, body: '' });
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    }),
    `a handshake answer from ${url}`,
  );
}

async function pingPong(probe: Probe, id: string | number): Promise<void> {
  probe.ws.send(JSON.stringify({ type: 'ping', data: { id }, timestamp: new Date().toISOString() }));
  const pong = await probe.next('pong');
  expect(pong.data).toEqual({ id });
}

/** The hub still serves: an existing client gets pongs and a new one gets its welcome. */
async function stillServing(bystander: Probe): Promise<void> {
  await pingPong(bystander, `alive-${randomUUID()}`);
  const fresh = await connect(hub.publicUrl);
  expect((await fresh.next()).type).toBe('welcome');
  await pingPong(fresh, 1);
  fresh.ws.close(1000);
}

/** A report.rendered event for a report that exists in `lane` (null: an unknown report). */
function rendered(seq: number, lane: ReportLane | null = 'quarantine'): ReportRenderedPayload {
  const publicId = `rpt_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`;
  if (lane) lanes.set(publicId, lane);
  return {
    version: 1,
    event_id: randomUUID(),
    public_id: publicId,
    seq,
    rendered_at: new Date().toISOString(),
    card_path: `/api/v4/reports/${publicId}/card.svg`,
    page_path: `/r/${publicId}`,
  };
}

beforeAll(async () => {
  ({ verifier, token } = await startIssuer());
  ({ hub, broker } = await makeHub());
});

afterEach(() => {
  for (const ws of probes.splice(0)) ws.terminate();
});

afterAll(async () => {
  for (const { hub: h, broker: b } of started) {
    await h.close();
    await b.deleteTopology().catch(() => undefined);
    await b.close();
  }
  for (const { server } of issuers) await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('WebSocket hub: handshake and authentication (before the 101)', () => {
  it('upgrades /ws/public without a token (101, X-Request-ID echoed) and sends a welcome', async () => {
    const upgraded = await handshake(hub.publicUrl, { 'x-request-id': 'ws-test-101' });
    expect(upgraded.status).toBe(101);
    expect(upgraded.headers['x-request-id']).toBe('ws-test-101');
    const probe = await connect(hub.publicUrl);
    const welcome = await probe.next();
    expect(welcome).toEqual({ type: 'welcome', data: { stream: 'public', heartbeat_ms: 15_000 }, timestamp: expect.any(String) });
    expect(new Date(welcome.timestamp).toISOString()).toBe(welcome.timestamp);
  });

  it('answers 404 for an unknown path and 426 for a plain HTTP request, without upgrading', async () => {
    const unknown = await handshake(`${hub.url}/ws/nope`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: { code: 'not_found', message: expect.stringContaining('/ws/nope'), request_id: unknown.headers['x-request-id'] } });
    const plain = await fetch(hub.publicUrl.replace(/^ws/, 'http'));
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
  });

  it('reports its health over plain HTTP for container health checks', async () => {
    const health = await fetch(`${hub.url.replace(/^ws/, 'http')}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'ws-hub', dependencies: { amqp: { up: true } } });
  });

  it('refuses /ws/privileged without a token: plain 401 with the error envelope and X-Request-ID', async () => {
    const res = await handshake(hub.privilegedUrl, { 'x-request-id': 'ws-test-no-token' });
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe('ws-test-no-token');
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'unauthorized', message: 'A bearer token is required', request_id: 'ws-test-no-token' } });
  });

  it('refuses a bad token with 401 (header, malformed header, subprotocol)', async () => {
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer not.a.jwt' },
      { authorization: 'Basic d3M6dGVzdA==' },
      { 'sec-websocket-protocol': 'bearer.not.a.jwt' },
    ];
    for (const headers of attempts) {
      const res = await handshake(hub.privilegedUrl, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      const body = JSON.parse(res.body) as { error: { code: string; request_id: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.request_id).toBe(res.headers['x-request-id']);
    }
  });

  it('refuses a valid token lacking report:read with 403', async () => {
    const res = await handshake(hub.privilegedUrl, { authorization: `Bearer ${await token('report:submit')}` });
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('insufficient_scope');
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('report:read') } });
  });

  it('upgrades /ws/privileged with a valid token in the Authorization header', async () => {
    const t = await token('report:read');
    expect((await handshake(hub.privilegedUrl, { authorization: `Bearer ${t}` })).status).toBe(101);
    const probe = await connect(hub.privilegedUrl, undefined, { headers: { authorization: `Bearer ${t}` } });
    expect(await probe.next()).toMatchObject({ type: 'welcome', data: { stream: 'privileged' } });
  });

  it('upgrades /ws/privileged with the token as subprotocol bearer.<jwt> and echoes the chosen subprotocol', async () => {
    const t = await token();
    const alone = await connect(hub.privilegedUrl, [`bearer.${t}`]);
    expect(alone.ws.protocol).toBe(`bearer.${t}`);
    expect(await alone.next()).toMatchObject({ type: 'welcome', data: { stream: 'privileged' } });
    const withApp = await connect(hub.privilegedUrl, ['cleanapp.v1', `bearer.${t}`]);
    expect(withApp.ws.protocol).toBe('cleanapp.v1');
    expect(await withApp.next()).toMatchObject({ type: 'welcome', data: { stream: 'privileged' } });
  });
});

describe('WebSocket hub: ping/pong', () => {
  it('answers app-level pings with pongs carrying the same id', async () => {
    const probe = await connect(hub.publicUrl);
    await probe.next('welcome');
    for (const id of ['a-1', 42, 'b-2']) await pingPong(probe, id);
  });

  it('answers RFC 6455 control pings from the client', async () => {
    const probe = await connect(hub.publicUrl);
    const pong = new Promise<string>((resolve) => probe.ws.once('pong', (data) => resolve(data.toString())));
    probe.ws.ping('are-you-there');
    expect(await withTimeout(pong, 'a control pong')).toBe('are-you-there');
  });

  it('sends control pings every heartbeatMs and terminates a client that stops answering them', async () => {
    const { hub: fast } = await makeHub({ heartbeatMs: 400 });
    const healthy = await connect(fast.publicUrl);
    expect(await healthy.next('welcome')).toMatchObject({ data: { heartbeat_ms: 400 } });
    const pinged = new Promise<void>((resolve) => healthy.ws.once('ping', () => resolve()));
    const silent = await connect(fast.publicUrl, undefined, { autoPong: false });
    await withTimeout(pinged, 'a control ping from the hub');
    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated: no close frame
    expect(logs.some((l) => l.includes('did not answer the last ping'))).toBe(true);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    await pingPong(healthy, 'still-here');
    await vi.waitFor(() => {
      if (fast.clients() !== 1) throw new Error('waiting for the hub to drop the silent client');
    }, { timeout: WAIT_MS, interval: 10 });
  });
});

describe('WebSocket hub: report.rendered push', () => {
  it('pushes every report.rendered to privileged clients (full payload) and public ones only for the publish lane', async () => {
    const t = await token('report:read');
    const pub = await connect(hub.publicUrl);
    const priv = await connect(hub.privilegedUrl, undefined, { headers: { authorization: `Bearer ${t}` } });
    await pub.next('welcome');
    await priv.next('welcome');

    // A quarantined report first: privileged sees it, public must not.
    const quarantined = rendered(1);
    await broker.publish('report.rendered', quarantined, { messageId: quarantined.event_id });
    const first = await priv.next('report.rendered');
    expect(first.data).toEqual(quarantined);
    await vi.waitFor(() => {
      if (!decided.has(quarantined.public_id)) throw new Error('waiting for the hub to look up the quarantined report');
    }, { timeout: WAIT_MS, interval: 10 });
    expect(decided.get(quarantined.public_id)).toBe('quarantine');

    // Then a published one: both see it; it is the first report.rendered the public client gets.
    const published = rendered(2, 'publish');
    await broker.publish('report.rendered', published, { messageId: published.event_id });
    const second = await priv.next('report.rendered');
    expect(second.data).toEqual(published);
    const onPublic = await pub.next('report.rendered');
    expect(onPublic.data).toEqual(Object.fromEntries(PUBLIC_FIELDS.map((k) => [k, published[k]])));
    expect(Object.keys(onPublic.data).sort()).toEqual(['card_path', 'page_path', 'public_id', 'rendered_at', 'seq']);
    expect(new Date(onPublic.timestamp).toISOString()).toBe(onPublic.timestamp);
  });
  it('pushes once per event_id, and never for a report that does not exist', async () => {
    const pub = await connect(hub.publicUrl);
    const priv = await connect(hub.privilegedUrl, undefined, { headers: { authorization: `Bearer ${await token('report:read')}` } });
    await pub.next('welcome');
    await priv.next('welcome');
    const unknown = rendered(3, null);
    const twice = rendered(4, 'publish');
    const last = rendered(5, 'publish');
    await broker.publish('report.rendered', unknown, { messageId: unknown.event_id });
    // A duplicate: the same event again (a redelivery or a second publish of the outbox row).
    for (const _ of [1, 2]) await broker.publish('report.rendered', twice, { messageId: twice.event_id });
    await broker.publish('report.rendered', last, { messageId: last.event_id });
    for (const probe of [priv, pub]) {
      // In order: the unknown report and the duplicate are skipped, so the next two are exactly these.
      expect((await probe.next('report.rendered')).data.public_id).toBe(twice.public_id);
      expect((await probe.next('report.rendered')).data.public_id).toBe(last.public_id);
    }
    expect(decided.has(unknown.public_id)).toBe(true);
    expect(logs.some((l) => l.includes(unknown.event_id) && l.includes('no known report'))).toBe(true);
    // Nothing after `last` either: a ping's pong is the next frame on both streams.
    for (const probe of [priv, pub]) await pingPong(probe, 'after');
  });
});

describe('WebSocket hub: close codes, and bad clients never hurt the others', () => {
  it('echoes 1000 when a client closes normally and stops counting it', async () => {
    const probe = await connect(hub.publicUrl);
    await probe.next('welcome');
    await vi.waitFor(() => {
      if (hub.clients() < 1) throw new Error('waiting for the hub to count the client');
    }, { timeout: WAIT_MS, interval: 10 });
    const before = hub.clients();
    probe.ws.close(1000, 'bye');
    expect((await withTimeout(probe.closed, 'close')).code).toBe(1000);
    await vi.waitFor(() => {
      if (hub.clients() !== before - 1) throw new Error('waiting for the hub to forget the client');
    }, { timeout: WAIT_MS, interval: 10 });
  });

  const bad: [string, (ws: WebSocket) => void, number][] = [
    ['a binary frame → 1003', (ws) => ws.send(Buffer.from([1, 2, 3]), { binary: true }), 1003],
    ['text that is not JSON → 1007', (ws) => ws.send('{"type": "ping",'), 1007],
    ['text that is not UTF-8 → 1007', (ws) => ws.send(Buffer.from([0xc3, 0x28]), { binary: false }), 1007],
    ['an unknown message type → 1008', (ws) => ws.send(JSON.stringify({ type: 'subscribe', data: {} })), 1008],
    ['JSON that is not an object → 1008', (ws) => ws.send('[1,2,3]'), 1008],
    ['a ping without an id → 1008', (ws) => ws.send(JSON.stringify({ type: 'ping', data: {} })), 1008],
    ['a message above maxMessageBytes → 1009', (ws) => ws.send(JSON.stringify({ type: 'ping', data: { id: 'x'.repeat(MAX_MESSAGE_BYTES) } })), 1009],
  ];
  it.each(bad)('closes a client that sends %s; the hub keeps serving', async (_name, misbehave, expected) => {
    const bystander = await connect(hub.publicUrl);
    await bystander.next('welcome');
    const culprit = await connect(hub.publicUrl);
    await culprit.next('welcome');
    misbehave(culprit.ws);
    const { code, reason } = await withTimeout(culprit.closed, 'the culprit to be closed');
    expect(code).toBe(expected);
    if (expected !== 1009 && expected !== 1007) expect(reason.length).toBeGreaterThan(0);
    await stillServing(bystander);
  });

  it('survives a malformed handshake and a client that vanishes mid-handshake', async () => {
    const bystander = await connect(hub.publicUrl);
    await bystander.next('welcome');
    expect((await handshake(hub.publicUrl, { 'sec-websocket-key': 'nope', 'sec-websocket-version': '7' })).status).toBe(400);
    const req = request(hub.privilegedUrl.replace(/^ws/, 'http'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13', authorization: `Bearer ${await token()}` },
    });
    req.on('error', () => undefined);
    req.end();
    req.destroy();
    await stillServing(bystander);
  });

  it('closes every client with 1001 when the hub shuts down', async () => {
    const { hub: doomed } = await makeHub();
    const t = await token('report:read');
    const pub = await connect(doomed.publicUrl);
    const priv = await connect(doomed.privilegedUrl, [`bearer.${t}`]);
    await pub.next('welcome');
    await priv.next('welcome');
    expect(doomed.clients()).toBe(2);
    await doomed.close();
    expect((await withTimeout(pub.closed, 'public close')).code).toBe(1001);
    expect((await withTimeout(priv.closed, 'privileged close')).code).toBe(1001);
    expect(doomed.clients()).toBe(0);
    await expect(connect(doomed.publicUrl)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('closes a privileged client with 1008 when its token expires', async () => {
    const shortLived = await startIssuer(2); // expires 1–2 s after issue (exp has whole seconds)
    const { hub: strict } = await makeHub({ verifier: shortLived.verifier });
    const priv = await connect(strict.privilegedUrl, undefined, { headers: { authorization: `Bearer ${await shortLived.token('report:read')}` } });
    await priv.next('welcome');
    const pub = await connect(strict.publicUrl);
    await pub.next('welcome');
    const { code, reason } = await withTimeout(priv.closed, 'the expiry close', 4_000);
    expect(code).toBe(1008);
    expect(reason).toContain('expired');
    expect(pub.ws.readyState).toBe(WebSocket.OPEN);
  });
});
