import type { components } from '@cleanapp/api-client';
import { Hono, type MiddlewareHandler } from 'hono';
import { errorResponse, HttpError, onHttpError } from '../error/index.js';
import { exchange, type HttpEnv } from '../exchange/index.js';

type Schemas = components['schemas'];
export type DependencyState = Schemas['DependencyState'];
export type DependencyName = 'amqp' | 'db';

/** What every service answers at GET /healthz and GET /version (the platform standard). */
export interface Ops {
  version: Schemas['Version'];
  /** The dependencies this service has; none for the token issuer. */
  checks: Partial<Record<DependencyName, () => Promise<DependencyState>>>;
}

export const OPS_PATHS = { healthz: '/healthz', version: '/version' } as const;

/** The health body when every dependency is up; otherwise an HttpError 503 naming each one that is down. */
export async function health(ops: Ops): Promise<Schemas['Healthz']> {
  const names = Object.keys(ops.checks) as DependencyName[];
  const states = await Promise.all(names.map((name) => ops.checks[name]!()));
  const dependencies = Object.fromEntries(names.map((name, i) => [name, states[i]!]));
  const down = names.filter((name) => dependencies[name]!.status === 'down');
  if (down.length > 0) {
    throw new HttpError(503, 'unavailable', `Dependencies down: ${down.join(', ')}`,
      down.map((name) => ({ location: `dependencies/${name}`, message: `down: ${dependencies[name]!.error ?? 'unknown'}` })));
  }
  return { status: 'ok', service: ops.version.service, time: new Date().toISOString(), dependencies };
}

/** The body of GET /healthz or /version, or undefined for any other request (for surfaces that are not Hono). */
export function opsBody(ops: Ops, method: string, path: string, healthAliases: readonly string[] = []): Promise<unknown> | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (path === OPS_PATHS.healthz || healthAliases.includes(path)) return health(ops);
  if (path === OPS_PATHS.version) return Promise.resolve(ops.version);
  return undefined;
}

/** Hono: answers GET /healthz and /version (503 leaves through the app's error handler as the envelope). */
export function opsRoutes(ops: Ops, healthAliases: readonly string[] = []): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const body = opsBody(ops, c.req.method, c.req.path, healthAliases);
    if (!body) return next();
    return c.json((await body) as object, 200, { 'cache-control': 'no-store' });
  };
}

/** A broker's state as a dependency (the broker reconnects by itself; this only reads its state). */
export const brokerCheck = (broker: { state: { up: boolean; error?: string } }) => async (): Promise<DependencyState> =>
  broker.state.up ? { status: 'up' } : { status: 'down', error: broker.state.error ?? 'down' };

/**
 * The plain HTTP of a service without a contract-driven API (token issuer, workers, hub): exchange
 * headers, /healthz and /version (and older health paths kept for compose and tests), errors and 404 as
 * the envelope. The service adds its own routes.
 */
export function platformApp(ops: Ops | undefined, options: { healthAliases?: readonly string[]; log?: (line: string, error: unknown) => void } = {}): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(exchange());
  if (ops) app.use(opsRoutes(ops, options.healthAliases));
  app.onError(onHttpError(undefined, options.log));
  app.notFound((c) => errorResponse(new HttpError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), c.get('exchange')));
  return app;
}
