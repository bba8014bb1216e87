import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ReportRenderedPayload } from '@cleanapp/events';
import type { Broker, Subscription } from '@cleanapp/events/node';
import { decodeJwt } from 'jose';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { authenticate, bearerToken, READ_REQUIREMENT, type Authorizer } from '../http/auth/index.js';
import { errorResponse, HttpError } from '../http/error/index.js';
import { beginExchange, exchangeHeaders, type Exchange } from '../http/exchange/index.js';
import { bind, closeServer, createHttpServer, writeRawResponse } from '../http/listen.js';
import { platformApp, type Ops } from '../http/ops/index.js';

/**
 * The WebSocket hub: a public and a privileged live stream of `report.rendered`, on its own node:http
 * server. Described in contracts/events/asyncapi.yaml (server `ws`, channels wsPublic/wsPrivileged).
 *
 * - `/ws/public`: no authentication. `/ws/privileged`: a JWT with scope `report:read`, checked in the
 *   `upgrade` handler before any 101: a plain HTTP 401 (missing/invalid token) or 403 (missing scope)
 *   with the API's JSON error envelope and `X-Request-ID`, then the socket is closed. Unknown path → 404.
 * - Token: `Authorization: Bearer <jwt>`, or (browsers cannot set headers) the subprotocol
 *   `bearer.<jwt>` in `Sec-WebSocket-Protocol`. The header wins when both are sent. The server selects
 *   `cleanapp.v1` when offered, else echoes the `bearer.<jwt>` protocol (a browser fails a connection
 *   whose offered subprotocols get no answer), else selects none.
 * - Frames are JSON text `{type, data, timestamp}` (ISO 8601). Server → client: `welcome`
 *   `{stream, heartbeat_ms}` on connect, `pong` `{id}` for each app-level `ping` `{id}`, and
 *   `report.rendered` for every event of its own `report-notify-queue` subscription (Broker.subscribe:
 *   one exclusive queue per hub instance, so every replica gets every event). Client → server: `ping` only.
 * - RFC 6455 heartbeat: a control ping every `heartbeatMs`; a client that has not answered the previous
 *   one is terminated (TCP reset, the client sees 1006). Client control pings are answered by `ws`.
 * - Close codes: 1000 echoed on a client's normal close; 1001 to everyone when the hub closes; 1003 for a
 *   binary frame; 1007 for text that is not JSON (and, from `ws`, text that is not UTF-8); 1008 for JSON
 *   that is not a known message (not an object, unknown `type`, `ping` without an id), and for a
 *   privileged client when its token expires (reconnect with a fresh one); 1009 for a message above
 *   `maxMessageBytes` (ws `maxPayload`).
 * - Visibility: an event is pushed only when `lookup(public_id)` finds the report, and once per
 *   `event_id` (a duplicate is dropped). Privileged clients get every such event with its full payload.
 *   Public clients get only `public_id, seq, card_path, page_path, rendered_at`, and only for reports in
 *   the `publish` lane (the event does not say whether the report was quarantined). A lookup that throws
 *   is retried once (redelivery), then the event is dropped.
 * - Events are not stored: a client sees the events consumed while it is connected. Each event is acked
 *   once pushed (or when nobody listens).
 */
export interface WsHubOptions {
  host: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** The `ws://` or `wss://` base URL clients use (behind a proxy, in a container); default: the bound address. */
  baseUrl?: string;
  verifier: Authorizer;
  /** A started (or starting) broker whose topology has the `report-notify-queue` subscription. */
  broker: Broker;
  log?: (line: string) => void;
  /** RFC 6455 control ping interval; a client silent for a whole interval is terminated. Default 15 s. */
  heartbeatMs?: number;
  /** Largest accepted client message (bytes); larger → close 1009. Default 16 KiB. */
  maxMessageBytes?: number;
  /** The lane of a report, undefined when there is no such report (then nothing is pushed). */
  lookup: (publicId: string) => Promise<ReportLane | undefined>;
  /** How many recent `event_id`s are remembered to drop duplicates. Default 10 000. */
  dedupeWindow?: number;
  /** How long close() waits for clients to answer the 1001 close before dropping them. Default 2 s. */
  closeTimeoutMs?: number;
  /** Wraps the hub's replies when it is built (how src/faults/ gets in). */
  wrapReply?: (reply: Reply) => Reply;
  /** /healthz and /version (the platform standard); the service passes them. */
  ops?: Ops;
}

export type ReportLane = 'publish' | 'quarantine';

/** The frame the hub answers a valid client message with (undefined: none). */
export type Reply = (message: { type: 'ping'; id: string | number }) => string | undefined;

export interface WsHub {
  /** Base URL, `ws://host:port`. */
  url: string;
  publicUrl: string;
  privilegedUrl: string;
  /** Open client connections (both streams). */
  clients(): number;
  /** Closes every client with 1001, then the server. The broker is left to its owner. */
  close(): Promise<void>;
}

export type Stream = 'public' | 'privileged';

export const WS_PATHS: Record<Stream, string> = { public: '/ws/public', privileged: '/ws/privileged' };
export const WS_SUBPROTOCOL = 'cleanapp.v1';
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
} as const;

/** Fields of `report.rendered` that the public stream carries. */
export const PUBLIC_FIELDS = ['public_id', 'seq', 'card_path', 'page_path', 'rendered_at'] as const;
export type PublicReportRendered = Pick<ReportRenderedPayload, (typeof PUBLIC_FIELDS)[number]>;

export const NOTIFY_QUEUE = 'report-notify-queue';
const MAX_PING_ID_LENGTH = 128;

interface Client {
  id: number;
  stream: Stream;
  alive: boolean;
  principal?: string;
  expiry?: NodeJS.Timeout;
}

interface Grant {
  principal?: string;
  /** Token expiry (ms since the epoch). */
  expiresAt?: number;
}

/** `exp` of a token the verifier has accepted (so decoding without verifying again is safe). */
function expiryOf(authorization: string | undefined): number | undefined {
  try {
    const exp = decodeJwt(bearerToken(authorization) ?? '').exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const frame = (type: string, data: unknown, timestamp = new Date().toISOString()) => JSON.stringify({ type, data, timestamp });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A close reason is at most 123 bytes (RFC 6455 §5.5); ws throws on longer ones. */
function reasonOf(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  return (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((p) => p.trim()).filter(Boolean);
}

/** The Authorization value to check: the header, else `Bearer <jwt>` from a `bearer.<jwt>` subprotocol. */
function credentials(req: IncomingMessage): string | undefined {
  if (req.headers.authorization !== undefined) return req.headers.authorization;
  const protocol = offeredProtocols(req).find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  return protocol ? `Bearer ${protocol.slice(BEARER_SUBPROTOCOL_PREFIX.length)}` : undefined;
}

function selectProtocol(protocols: Set<string>): string | false {
  if (protocols.has(WS_SUBPROTOCOL)) return WS_SUBPROTOCOL;
  return [...protocols].find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX)) ?? false;
}

export async function startWsHub(options: WsHubOptions): Promise<WsHub> {
  const log = options.log ?? (() => undefined);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2_000;
  const clients = new Map<WebSocket, Client>();
  const exchanges = new WeakMap<IncomingMessage, Exchange>();
  const reply = (options.wrapReply ?? ((r: Reply) => r))(({ id }) => frame('pong', { id }));
  let nextClientId = 0;
  let closing: Promise<void> | undefined;


  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => selectProtocol(protocols),
  });
  wss.on('headers', (headers, req) => {
    const current = exchanges.get(req);
    if (current) for (const [name, value] of Object.entries(exchangeHeaders(current))) headers.push(`${name}: ${value}`);
  });
  wss.on('error', (error) => log(`[ws] server error: ${error.message}`));

  // Plain HTTP: /healthz, /version (and /health) for container checks; a stream path without Upgrade is a 426, anything else a 404.
  const app = platformApp(options.ops, { log: (line, error) => log(`[ws] ${line}: ${(error as Error).message}`) });
  app.get('/health', (c) => {
    const up = options.broker.state.up;
    return c.json({ status: up ? 'ok' : 'down', service: 'ws-hub', clients: clients.size, dependencies: { amqp: options.broker.state } }, up ? 200 : 503, { 'cache-control': 'no-store' });
  });
  app.all('*', (c) => {
    const path = c.req.path;
    if (path === WS_PATHS.public || path === WS_PATHS.privileged) {
      throw new HttpError(426, 'bad_request', `${path} is a WebSocket endpoint; send an Upgrade: websocket request`, undefined, { upgrade: 'websocket', connection: 'Upgrade' });
    }
    throw new HttpError(404, 'not_found', `No route for ${c.req.method} ${path}`);
  });

  const server = createHttpServer(app.fetch);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const current = beginExchange((name) => header(req, name));
    onUpgrade(req, socket, head, current).catch((error: unknown) => {
      const refusal = error instanceof HttpError ? error : new HttpError(500, 'internal', 'The upgrade could not be handled');
      log(`[ws] ${pathOf(req)} refused (${refusal.status}): ${(error as Error).message} [${current.requestId}]`);
      return writeRawResponse(socket, errorResponse(refusal, current));
    }).catch((error: unknown) => log(`[ws] refusal failed: ${(error as Error).message}`));
  });

  const shuttingDown = () => new HttpError(503, 'unavailable', 'The WebSocket hub is shutting down');

  /** Upgrades or throws the HttpError the client gets instead of the 101. */
  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, current: Exchange): Promise<void> {
    socket.on('error', (error) => log(`[ws] socket error: ${error.message}`));
    if (closing) throw shuttingDown();
    const path = pathOf(req);
    const stream = (Object.keys(WS_PATHS) as Stream[]).find((s) => WS_PATHS[s] === path);
    if (!stream) throw new HttpError(404, 'not_found', `No WebSocket stream at ${path}; use ${WS_PATHS.public} or ${WS_PATHS.privileged}`);

    const grant: Grant = {};
    if (stream === 'privileged') {
      const authorization = credentials(req);
      grant.principal = (await authenticate(options.verifier, authorization, READ_REQUIREMENT))?.clientId;
      grant.expiresAt = expiryOf(authorization);
      if (socket.destroyed) return; // the client left while the token was checked
      if (closing) throw shuttingDown();
    }
    exchanges.set(req, current);
    // ws answers 400 itself for a malformed handshake (bad key, version, subprotocol list).
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, stream, grant));
  }

  function onConnection(ws: WebSocket, stream: Stream, { principal, expiresAt }: Grant): void {
    if (closing) return closeClient(ws, CLOSE_CODES.goingAway, 'The server is shutting down');
    const client: Client = { id: ++nextClientId, stream, alive: true, ...(principal ? { principal } : {}) };
    clients.set(ws, client);
    if (expiresAt !== undefined) {
      // setTimeout's limit is ~24.8 days; tokens live minutes.
      const ms = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
      client.expiry = setTimeout(() => closeClient(ws, CLOSE_CODES.policyViolation, 'The token has expired; reconnect with a fresh one'), ms);
      client.expiry.unref();
    }
    log(`[ws] client ${client.id} connected to ${stream}${principal ? ` as ${principal}` : ''}`);
    ws.on('pong', () => {
      client.alive = true;
    });
    // ws reports protocol errors here (too big → 1009, invalid UTF-8 → 1007) and closes the socket itself.
    ws.on('error', (error) => log(`[ws] client ${client.id}: ${error.message}`));
    ws.on('close', (code, reason) => {
      clients.delete(ws);
      clearTimeout(client.expiry);
      log(`[ws] client ${client.id} closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`);
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(ws, data, isBinary);
      } catch (error) {
        log(`[ws] client ${client.id}: ${(error as Error).message}`);
        ws.terminate();
      }
    });
    send(ws, frame('welcome', { stream, heartbeat_ms: heartbeatMs }));
  }

  function onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) return closeClient(ws, CLOSE_CODES.unsupportedData, 'Binary frames are not accepted; send JSON text');
    let message: unknown;
    try {
      message = JSON.parse(toBuffer(data).toString('utf8'));
    } catch {
      return closeClient(ws, CLOSE_CODES.invalidPayload, 'The message is not valid JSON');
    }
    if (!isObject(message) || typeof message.type !== 'string') return closeClient(ws, CLOSE_CODES.policyViolation, 'Expected a JSON object {type, data}');
    if (message.type !== 'ping') return closeClient(ws, CLOSE_CODES.policyViolation, `Unknown message type ${JSON.stringify(message.type.slice(0, 40))}`);
    const id = isObject(message.data) ? message.data.id : undefined;
    const valid = (typeof id === 'string' && id.length > 0 && id.length <= MAX_PING_ID_LENGTH) || (typeof id === 'number' && Number.isFinite(id));
    if (!valid) return closeClient(ws, CLOSE_CODES.policyViolation, `A ping needs data.id: a string (1..${MAX_PING_ID_LENGTH}) or a number`);
    const answer = reply({ type: 'ping', id: id as string | number });
    if (answer) send(ws, answer);
  }

  function send(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(text, (error) => {
      if (error) log(`[ws] send failed: ${error.message}`);
    });
  }

  function closeClient(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reasonOf(reason));
    } catch {
      ws.terminate();
    }
  }

  function broadcast(stream: Stream, text: string): number {
    let n = 0;
    for (const [ws, client] of clients) {
      if (client.stream !== stream) continue;
      send(ws, text);
      n++;
    }
    return n;
  }

  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        log(`[ws] client ${client.id} did not answer the last ping; terminating`);
        ws.terminate();
        continue;
      }
      client.alive = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, heartbeatMs);
  heartbeat.unref();

  // Recent event ids (insertion order = age): a redelivered or republished event is pushed once.
  const pushed = new Set<string>();
  const dedupeWindow = options.dedupeWindow ?? 10_000;

  async function push(payload: ReportRenderedPayload): Promise<void> {
    if (closing || pushed.has(payload.event_id)) return;
    pushed.add(payload.event_id);
    if (pushed.size > dedupeWindow) pushed.delete(pushed.values().next().value!);
    let lane: ReportLane | undefined;
    try {
      lane = await options.lookup(payload.public_id);
    } catch (error) {
      pushed.delete(payload.event_id); // not pushed: the redelivery may try again
      throw error;
    }
    if (!lane) {
      log(`[ws] report.rendered ${payload.event_id} names no known report (${payload.public_id}); not pushed`);
      return;
    }
    if (closing) return;
    const timestamp = new Date().toISOString();
    broadcast('privileged', frame('report.rendered', payload, timestamp));
    if (lane !== 'publish') return;
    const data = Object.fromEntries(PUBLIC_FIELDS.map((k) => [k, payload[k]])) as PublicReportRendered;
    broadcast('public', frame('report.rendered', data, timestamp));
  }

  const bound = await bind(server, options.host, options.port ?? 0, 'ws');
  server.on('error', (error) => log(`[ws] http server error: ${error.message}`));
  const url = options.baseUrl?.replace(/\/+$/, '') ?? bound;

  let subscription: Subscription;
  try {
    subscription = await options.broker.subscribe(NOTIFY_QUEUE, 'report.rendered', push, {
      onDropped: (reason, info) => log(`[ws] report.rendered ${info.messageId ?? '?'} dropped: ${reason}`),
    });
  } catch (error) {
    clearInterval(heartbeat);
    await closeServer(server);
    throw error;
  }
  log(`[ws] hub ${url}${WS_PATHS.public} and ${url}${WS_PATHS.privileged}`);

  return {
    url,
    publicUrl: `${url}${WS_PATHS.public}`,
    privilegedUrl: `${url}${WS_PATHS.privileged}`,
    clients: () => clients.size,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        await subscription.cancel();
        const open = [...clients.keys()];
        const closed = open.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()))));
        for (const ws of open) closeClient(ws, CLOSE_CODES.goingAway, 'The server is shutting down');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, closeTimeoutMs)))]);
        clearTimeout(timer);
        for (const ws of clients.keys()) ws.terminate();
        wss.close();
        await closeServer(server);
        log('[ws] hub closed');
      })();
      return closing;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://hub.invalid').pathname;
  } catch {
    return req.url ?? '/';
  }
}
