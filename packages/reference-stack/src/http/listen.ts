import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { withBodyLimit } from './body-limit/index.js';
import { errorResponse, HttpError } from './error/index.js';
import { beginExchange } from './exchange/index.js';

/** What listen() serves: a Hono app, or anything else with a fetch handler. */
export interface App {
  fetch(request: Request): Response | Promise<Response>;
}

export interface Listening {
  server: Server;
  url: string;
  /** Mounts the app; requests before that get a 503 "starting". */
  mount(app: App): void;
  close(): Promise<void>;
}

/** Largest request head (request line + headers) a server reads; Node's default, stated so the 431 message can name it. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The one way a surface gets a node:http server: bodies limited (413 envelope), oversized or malformed
 * request heads answered with the 431/400 envelope instead of Node's bare answer.
 */
export function createHttpServer(fetch: App['fetch']): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, getRequestListener(withBodyLimit(fetch)));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => void answerClientError(error, socket));
  return server;
}

/** A request Node could not parse: no head was read, so the exchange gets a fresh request id. */
async function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): Promise<void> {
  if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.destroy();
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new HttpError(431, 'bad_request', `Request headers exceed ${MAX_HEADER_BYTES} bytes`)
      : new HttpError(400, 'bad_request', 'Malformed HTTP request');
  await writeRawResponse(socket, errorResponse(refusal, beginExchange(() => undefined))).catch(() => socket.destroy());
}

/** Writes a whole Response to a raw socket (upgrade refusals, client errors), then closes it. */
export async function writeRawResponse(socket: Duplex, response: Response): Promise<void> {
  const body = await response.text();
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = { ...Object.fromEntries(response.headers), 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n${head}\r\n\r\n${body}`);
}

/** Binds a server; resolves with the URL clients use (a wildcard host is reached over loopback). */
export function bind(server: Server, host: string, port: number, scheme: 'http' | 'ws' = 'http'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve(`${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${(server.address() as AddressInfo).port}`);
    });
  });
}

/** Closes a server without waiting for kept-alive connections to go idle. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Binds first and mounts the app afterwards: apps need their own URL (issuer claim, served contract),
 * which is only known once a free port is bound.
 */
export async function listen(host: string, port: number): Promise<Listening> {
  let mounted: App | undefined;
  const starting = (req: Request) => errorResponse(new HttpError(503, 'unavailable', 'The service is starting'), beginExchange((name) => req.headers.get(name)));
  const server = createHttpServer((req) => (mounted ? mounted.fetch(req) : starting(req)));
  // Outlive clients' and proxies' idle timeouts (undici 4 s, typical load balancers 60 s), so the
  // server never closes a kept-alive socket just as a client reuses it.
  server.keepAliveTimeout = 65_000;
  const url = await bind(server, host, port);
  return { server, url, mount: (app) => void (mounted = app), close: () => closeServer(server) };
}

/** Runs cleanups in reverse order of registration, reporting (not throwing) their failures. */
export class Cleanups {
  private readonly fns: (() => Promise<unknown>)[] = [];
  constructor(private readonly log: (line: string) => void = () => undefined) {}
  push(fn: () => Promise<unknown>): void {
    this.fns.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.fns.reverse()) await fn().catch((e: unknown) => this.log(`[stack] cleanup: ${(e as Error).message}`));
    this.fns.length = 0;
  }
}
