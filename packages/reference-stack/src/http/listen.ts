import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

/** What listen() serves: a Hono app, or anything else with a fetch handler. */
export interface App {
  fetch(request: Request): Response | Promise<Response>;
}

export interface Listening {
  server: ServerType;
  url: string;
  /** Mounts the app; requests before that get a 503 "starting". */
  mount(app: App): void;
  close(): Promise<void>;
}

/**
 * Binds first and mounts the app afterwards: apps need their own URL (issuer claim, served contract),
 * which is only known once a free port is bound.
 */
export function listen(host: string, port: number): Promise<Listening> {
  let mounted: App | undefined;
  const fetch = (req: Request) => (mounted ? mounted.fetch(req) : new Response('starting', { status: 503 }));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({
        server,
        url: `http://${shown}:${info.port}`,
        mount: (app) => void (mounted = app),
        close: () =>
          new Promise<void>((done) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
    // Outlive clients' and proxies' idle timeouts (undici 4 s, typical load balancers 60 s), so the
    // server never closes a kept-alive socket just as a client reuses it.
    (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 65_000;
  });
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
