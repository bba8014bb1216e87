import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ReportSubmission } from '@cleanapp/api-client';
import { budgetOf, contractValidator, expectContract, mask, suiteContext } from '@cleanapp/smoke-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';

/**
 * The WebSocket hub (contracts/events/asyncapi.yaml, server `ws`): upgrades, authentication before the
 * 101, app-level and RFC 6455 ping/pong, close codes, and the live push of `report.rendered`.
 * Endpoints: `websocket.publicUrl` / `websocket.privilegedUrl` of the target.
 */

const ctx = suiteContext();
const publicUrl = ctx.target.websocket?.publicUrl;
const privilegedUrl = ctx.target.websocket?.privilegedUrl;

const HANDSHAKE_TIMEOUT_MS = 5_000;
const FRAME_TIMEOUT_MS = 3_000;
/** report → analyzer → renderer → hub: seconds on a healthy target; the target's budgets.pushMs. */
const PUSH_TIMEOUT_MS = budgetOf(ctx.target, 'pushMs');
const PUSH_BUDGET = `budgets.pushMs of the target, ${PUSH_TIMEOUT_MS} ms`;

interface Frame {
  type: string;
  data?: Record<string, unknown>;
  timestamp?: string;
}

/** An open client that records every frame, pong and its close. */
interface Client {
  ws: WebSocket;
  status: number;
  headers: IncomingMessage['headers'];
  frames: Frame[];
  /** Resolves with the first recorded frame matching `pred` (past or future). */
  next(pred: (f: Frame) => boolean, timeoutMs?: number, what?: string): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
}

const sockets = new Set<WebSocket>();
afterAll(() => {
  for (const ws of sockets) ws.terminate();
});

/** Opens a connection; rejects (with the HTTP answer) when the handshake is not upgraded. */
function connect(url: string, options: { token?: string; requestId?: string } = {}): Promise<Client> {
  const requestId = options.requestId ?? `smoke-ws-${randomUUID()}`;
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // Errors after the handshake (the hub dropping us) show up as the close code the checks look at.
    ws.on('error', () => undefined);
    const frames: Frame[] = [];
    const waiters = new Set<(f: Frame) => void>();
    let upgrade: IncomingMessage | undefined;
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, reason) => res({ code, reason: reason.toString() })));
    ws.on('upgrade', (res) => (upgrade = res));
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return;
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        frame = { type: '(not JSON)', data: { text: String(data).slice(0, 200) } };
      }
      frames.push(frame);
      for (const w of waiters) w(frame);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        ws.terminate();
        reject(new UpgradeRefused(url, res.statusCode ?? 0, res.headers, body, requestId));
      });
    });
    ws.once('error', (err) => reject(new Error(mask(`${url}: ${err.message}`))));
    ws.once('open', () =>
      resolve({
        ws,
        status: upgrade?.statusCode ?? 0,
        headers: upgrade?.headers ?? {},
        frames,
        closed,
        next(pred, timeoutMs = FRAME_TIMEOUT_MS, what = 'the expected frame') {
          const seen = frames.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise<Frame>((res, rej) => {
            const timer = setTimeout(() => {
              waiters.delete(waiter);
              rej(new Error(`${url}: no ${what} within ${timeoutMs} ms; frames received: ${JSON.stringify(frames.map((f) => f.type))}`));
            }, timeoutMs);
            const waiter = (f: Frame) => {
              if (!pred(f)) return;
              clearTimeout(timer);
              waiters.delete(waiter);
              res(f);
            };
            waiters.add(waiter);
          });
        },
      }),
    );
  });
}

/** A handshake answered with plain HTTP instead of 101. */
class UpgradeRefused extends Error {
  override readonly name = 'UpgradeRefused';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    readonly body: string,
    readonly sentRequestId: string,
  ) {
    super(mask(`${url}: the handshake was answered ${status} instead of 101: ${body.slice(0, 300)}`));
  }
}

/** Expects the handshake to be refused with `status` and the REST error envelope (code, request id). */
async function expectRefused(attempt: Promise<Client>, status: number, code: string): Promise<void> {
  let refused: UpgradeRefused;
  try {
    const client = await attempt;
    client.ws.terminate();
    throw new Error(`the handshake was upgraded (${client.status}); expected a plain HTTP ${status} before any 101`);
  } catch (err) {
    if (!(err instanceof UpgradeRefused)) throw err;
    refused = err;
  }
  const where = `${refused.url} answered ${refused.status} ${refused.headers['content-type'] ?? '(no content-type)'}: ${mask(refused.body.slice(0, 400))}`;
  expect(refused.status, where).toBe(status);
  expect(String(refused.headers['content-type'] ?? ''), `${where}\nContent-Type`).toMatch(/json/);
  const requestId = refused.headers['x-request-id'];
  expect(requestId, `${where}\nX-Request-ID echoed`).toBe(refused.sentRequestId);
  let body: unknown;
  try {
    body = JSON.parse(refused.body);
  } catch {
    throw new Error(`${where}\nthe body is not JSON`);
  }
  const problems = contractValidator().validateSchema('ErrorEnvelope', body);
  expect(problems, `${where}\nerror envelope`).toEqual([]);
  const error = (body as { error: { code: string; request_id: string } }).error;
  expect(error.code, `${where}\nerror.code`).toBe(code);
  expect(error.request_id, `${where}\nerror.request_id = X-Request-ID`).toBe(requestId);
}

/** Runs `fn` with a connection that is always closed afterwards. */
async function withClient<T>(url: string, options: { token?: string }, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = await connect(url, options);
  try {
    return await fn(client);
  } finally {
    client.ws.terminate();
    sockets.delete(client.ws);
  }
}

const readToken = () => ctx.token('report:read');
/** A stream to run the protocol checks on: public when the target has one, else privileged. */
const anyStream = publicUrl ? { url: publicUrl, token: async () => undefined } : privilegedUrl ? { url: privilegedUrl, token: readToken } : undefined;

const expectCloseCode = async (client: Client, code: number, what: string) => {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    client.closed,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the hub did not close the connection within ${FRAME_TIMEOUT_MS} ms after ${what}`)), FRAME_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  expect(result.code, `close code after ${what} (reason: ${result.reason || '(none)'})`).toBe(code);
};

const skipNote = (url: string | undefined, field: string) => (url ? '' : ` (skipped: the target has no websocket.${field})`);

if (!anyStream) {
  it.skip('websocket suite (skipped: the target has no websocket section; add websocket.publicUrl / privilegedUrl)', () => undefined);
} else {
  describe('websocket', () => {
    describe('handshake', () => {
      it.skipIf(!publicUrl)(`public stream: 101 upgrade without a token, then welcome${skipNote(publicUrl, 'publicUrl')}`, async () => {
        await withClient(publicUrl!, {}, async (c) => {
          expect(c.status, 'handshake status').toBe(101);
          const welcome = await c.next((f) => f.type === 'welcome', FRAME_TIMEOUT_MS, 'welcome frame');
          expect(welcome.data?.stream, 'welcome.data.stream').toBe('public');
        });
      });

      it.skipIf(!privilegedUrl)(`privileged stream without a token → plain HTTP 401 envelope before any upgrade${skipNote(privilegedUrl, 'privilegedUrl')}`, async () => {
        await expectRefused(connect(privilegedUrl!), 401, 'unauthorized');
      });

      it.skipIf(!privilegedUrl)(`privileged stream with an invalid token → 401 envelope${skipNote(privilegedUrl, 'privilegedUrl')}`, async () => {
        const real = await readToken();
        await expectRefused(connect(privilegedUrl!, { token: `${real.slice(0, -4)}AAAA` }), 401, 'unauthorized');
      });

      it.skipIf(!privilegedUrl)(`privileged stream with a token lacking report:read → 403 envelope${skipNote(privilegedUrl, 'privilegedUrl')}`, async (t) => {
        let token: string;
        try {
          token = await ctx.token('report:submit');
        } catch (err) {
          return t.skip(`skipped: no token without report:read from the token endpoint (${(err as Error).message.split('\n')[0]})`);
        }
        await expectRefused(connect(privilegedUrl!, { token }), 403, 'forbidden');
      });

      it.skipIf(!privilegedUrl)(`privileged stream with a report:read token → 101, then welcome${skipNote(privilegedUrl, 'privilegedUrl')}`, async () => {
        await withClient(privilegedUrl!, { token: await readToken() }, async (c) => {
          expect(c.status, 'handshake status').toBe(101);
          const welcome = await c.next((f) => f.type === 'welcome', FRAME_TIMEOUT_MS, 'welcome frame');
          expect(welcome.data?.stream, 'welcome.data.stream').toBe('privileged');
        });
      });
    });

    describe('ping/pong', () => {
      it('app-level ping → pong with the same id', async () => {
        await withClient(anyStream.url, { token: await anyStream.token() }, async (c) => {
          const id = `smoke-${ctx.runId}-${randomUUID().slice(0, 8)}`;
          c.ws.send(JSON.stringify({ type: 'ping', data: { id }, timestamp: new Date().toISOString() }));
          const pong = await c.next((f) => f.type === 'pong' && f.data?.id === id, FRAME_TIMEOUT_MS, `pong for ping ${id}`);
          expect(pong.data?.id).toBe(id);
          const numeric = Date.now();
          c.ws.send(JSON.stringify({ type: 'ping', data: { id: numeric } }));
          await c.next((f) => f.type === 'pong' && f.data?.id === numeric, FRAME_TIMEOUT_MS, `pong for the numeric ping id ${numeric}`);
        });
      });

      it('RFC 6455 control ping → control pong with the same payload', async () => {
        await withClient(anyStream.url, { token: await anyStream.token() }, async (c) => {
          const payload = Buffer.from(`smoke-${randomUUID().slice(0, 8)}`);
          const pong = new Promise<Buffer>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no control pong within ${FRAME_TIMEOUT_MS} ms`)), FRAME_TIMEOUT_MS);
            c.ws.on('pong', (data) => {
              if (data.equals(payload)) {
                clearTimeout(timer);
                resolve(data);
              }
            });
          });
          c.ws.ping(payload);
          expect((await pong).toString()).toBe(payload.toString());
        });
      });
    });

    describe('close codes', () => {
      it('client normal close (1000) → the hub echoes 1000', async () => {
        await withClient(anyStream.url, { token: await anyStream.token() }, async (c) => {
          c.ws.close(1000, 'smoke done');
          await expectCloseCode(c, 1000, 'a normal close');
        });
      });

      it('binary frame → close 1003', async () => {
        await withClient(anyStream.url, { token: await anyStream.token() }, async (c) => {
          c.ws.send(Buffer.from([0x7b, 0x7d]), { binary: true });
          await expectCloseCode(c, 1003, 'a binary frame');
        });
      });

      it('text that is not JSON → close 1007', async () => {
        await withClient(anyStream.url, { token: await anyStream.token() }, async (c) => {
          c.ws.send('{"type": "ping", "data": ');
          await expectCloseCode(c, 1007, 'invalid JSON');
        });
      });
    });

    describe('live push', () => {
      it(`a report ingested through REST arrives as report.rendered on the privileged${publicUrl ? ' and the public' : ''} stream${skipNote(privilegedUrl, 'privilegedUrl')}`, async (t) => {
        if (!privilegedUrl) return t.skip('skipped: the target has no websocket.privilegedUrl');
        const privileged = await connect(privilegedUrl, { token: await readToken() });
        const pub = publicUrl ? await connect(publicUrl) : undefined;
        try {
          // Subscribed before submitting: events are not replayed.
          await privileged.next((f) => f.type === 'welcome', FRAME_TIMEOUT_MS, 'welcome frame');
          if (pub) await pub.next((f) => f.type === 'welcome', FRAME_TIMEOUT_MS, 'welcome frame');
          const body: ReportSubmission = {
            source_id: ctx.sourceId('ws-push'),
            latitude: 52.52,
            longitude: 13.405,
            title: 'Smoke check (websocket)',
            description: `Synthetic report of smoke run ${ctx.runId}`,
            tags: ['smoke'],
            synthetic: true,
          };
          const { body: receipt } = await expectContract('submitReport', await ctx.api('report:submit').POST('/api/v4/reports', { body }), {
            status: 202,
            check: (r) => expect(r.lane, 'lane').toBe('publish'),
          });
          const started = Date.now();
          const isOurs = (f: Frame) => f.type === 'report.rendered' && f.data?.public_id === receipt.public_id;
          const [full, shown] = await Promise.all([
            privileged.next(isOurs, PUSH_TIMEOUT_MS, `report.rendered for ${receipt.public_id} on the privileged stream (${PUSH_BUDGET})`),
            pub?.next(isOurs, PUSH_TIMEOUT_MS, `report.rendered for ${receipt.public_id} on the public stream (${PUSH_BUDGET})`),
          ]);
          expect(full.data, 'privileged report.rendered').toMatchObject({ public_id: receipt.public_id, seq: receipt.seq });
          if (shown) expect(shown.data, 'public report.rendered').toMatchObject({ public_id: receipt.public_id, seq: receipt.seq });
          expect(Date.now() - started, `push latency (ms), ${PUSH_BUDGET}`).toBeLessThan(PUSH_TIMEOUT_MS);
        } finally {
          privileged.ws.terminate();
          pub?.ws.terminate();
        }
      });
    });
  });
}
