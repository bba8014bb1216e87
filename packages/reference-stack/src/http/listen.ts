import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

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
  const server = createServer(getRequestListener((req: Request) => (mounted ? mounted.fetch(req) : new Response('starting', { status: 503 }))));
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
