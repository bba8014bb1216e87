import type { components } from '@cleanapp/api-client';
import { OpenApiValidator, type Operation } from '@cleanapp/contracts';
import { Hono, type Context } from 'hono';
import type { TokenVerifier, Principal } from '../auth/verify.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { BrokerUnavailableError, type Broker } from '@cleanapp/events/node';
import { checkDb, DatabaseUnavailableError, type Database } from '../store/db.js';
import { ApiError, envelope } from './errors.js';
import { generateOrKeepRequestId } from './request-id.js';
import type { OutboxRelay } from '../store/outbox.js';
import { InvalidCursorError, type QueryStore } from '../store/queries.js';
import { IdempotencyConflictError, type ReportStore } from '../store/reports.js';

type Schemas = components['schemas'];

export interface ApiDeps {
  validator: OpenApiValidator;
  verifier: TokenVerifier;
  store: ReportStore;
  queries: QueryStore;
  relay: OutboxRelay;
  db: Database;
  broker: Broker;
  version: Schemas['Version'];
  /** Origins allowed to call the API from a browser. */
  corsOrigins: string[];
  /** The bundled contract as served at /api/v4/openapi.json. */
  servedContract: unknown;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** Deliberate faults for the suites' own tests (see faults.ts). */
  faults?: Faults;
}

interface Call {
  op: Operation;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  principal?: Principal;
  requestId: string;
}

type Handler = (call: Call) => Promise<{ status: number; body: unknown; contentType?: string }>;

const EXPOSED = 'X-Request-ID';

/**
 * The /api/v4 HTTP surface. Routing, authorization and request validation are driven by the contract
 * (OpenApiValidator), so an operation added to the contract without a handler is a 501 — and every
 * failure, whatever its cause, leaves as the error envelope with the request id.
 */
export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const maxBody = deps.maxBodyBytes ?? 1024 * 1024;
  const faults = deps.faults ?? NO_FAULTS;
  const handlers = createHandlers(deps, faults);

  app.all('*', async (c) => {
    const requestId = generateOrKeepRequestId(c.req.header('x-request-id'));
    const origin = c.req.header('origin');
    const corsAllowed = !!origin && deps.corsOrigins.includes(origin);
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}, contentType?: string) => {
      const h: Record<string, string> = { 'x-request-id': requestId, 'cache-control': 'no-store', ...headers };
      if (faults.has('no-request-id')) delete h['x-request-id'];
      if (corsAllowed && !faults.has('no-cors')) Object.assign(h, { 'access-control-allow-origin': origin!, 'access-control-expose-headers': EXPOSED, vary: 'Origin' });
      if (contentType) return c.body(String(body), status as 200, { ...h, 'content-type': contentType });
      return c.json(body as object, status as 200, h);
    };
    const fail = (error: ApiError) => respond(error.status, envelope(error.code, error.message, requestId, error.details), error.headers);

    try {
      const url = new URL(c.req.url);
      if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) return preflight(c, deps, requestId, corsAllowed);
      const matched = deps.validator.match(c.req.method, url.pathname);
      if (!matched) throw new ApiError(404, 'not_found', `No route for ${c.req.method} ${url.pathname}`);
      if ('pathExists' in matched) {
        throw new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${url.pathname}`, undefined, { allow: matched.allow.join(', ') });
      }
      const { operation: op, pathParams } = matched;

      const auth = faults.has('auth-not-enforced')
        ? { ok: true as const, principal: { clientId: 'anyone', scopes: new Set(['report:submit', 'report:read', 'admin']) } }
        : await deps.verifier.authorize(c.req.header('authorization'), op.security);
      if (!auth.ok) {
        throw new ApiError(auth.status, auth.status === 401 ? 'unauthorized' : 'forbidden', auth.message, undefined,
          auth.status === 401 ? { 'www-authenticate': 'Bearer realm="cleanapp"' } : { 'www-authenticate': 'Bearer error="insufficient_scope"' });
      }

      const body = op.requestBody ? await readJsonBody(c, maxBody) : undefined;
      const problems = deps.validator.validateRequest(op, { pathParams, query: url.searchParams, headers: c.req.raw.headers, body });
      if (problems.length > 0) throw new ApiError(400, 'validation_failed', 'The request does not match the contract', problems);

      const handler = handlers[op.operationId];
      if (!handler) throw new ApiError(501 as never, 'internal', `${op.operationId} is not implemented`);
      const result = await handler({ op, pathParams, query: url.searchParams, body, principal: auth.principal, requestId });
      return respond(result.status, result.body, {}, result.contentType);
    } catch (error) {
      if (error instanceof ApiError) return fail(error);
      if (error instanceof InvalidCursorError) {
        return fail(new ApiError(400, 'validation_failed', 'The request does not match the contract', [{ location: 'query/cursor', message: error.message }]));
      }
      if (error instanceof IdempotencyConflictError) {
        return fail(new ApiError(409, 'conflict', error.message, [{ location: 'body/source_id', message: `already used by ${error.existingPublicId}` }]));
      }
      if (error instanceof DatabaseUnavailableError) return fail(new ApiError(503, 'unavailable', 'The database is unavailable'));
      if (error instanceof BrokerUnavailableError) return fail(new ApiError(503, 'unavailable', 'The broker is unavailable'));
      console.error(`[api] ${requestId} unexpected error`, error);
      return fail(new ApiError(500, 'internal', 'Internal error'));
    }
  });
  return app;
}

function preflight(c: Context, deps: ApiDeps, requestId: string, allowed: boolean) {
  if (!allowed) {
    return c.json(envelope('forbidden', `Origin ${c.req.header('origin') ?? '(none)'} is not allowed`, requestId), 403, { 'x-request-id': requestId });
  }
  return c.body(null, 204, {
    'x-request-id': requestId,
    'access-control-allow-origin': c.req.header('origin')!,
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': 'Authorization, Content-Type, X-Request-ID',
    'access-control-max-age': '600',
    vary: 'Origin',
  });
}

/** Reads a JSON body within the size limit; 413/415/400 instead of a crash on anything else. */
async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (declared > maxBytes) throw new ApiError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes`);
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = c.req.raw.body ? await readLimited(c.req.raw.body, maxBytes) : '';
  if (raw.length === 0) return undefined;
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${type || 'none'})`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ApiError(400, 'bad_request', `Malformed JSON: ${(error as Error).message}`, [{ location: 'body', message: 'is not valid JSON' }]);
  }
}

async function readLimited(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ApiError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function createHandlers(deps: ApiDeps, faults: Faults): Record<string, Handler> {
  return {
    async getHealth() {
      const [db, amqp] = await Promise.all([checkDb(deps.db), Promise.resolve(deps.broker.state)]);
      const deps_ = {
        amqp: amqp.up ? { status: 'up' as const } : { status: 'down' as const, error: amqp.error ?? 'down' },
        db,
      };
      const down = Object.entries(deps_).filter(([, s]) => s.status === 'down');
      if (down.length > 0) {
        throw new ApiError(503, 'unavailable', `Dependencies down: ${down.map(([n]) => n).join(', ')}`,
          down.map(([n, s]) => ({ location: `dependencies/${n}`, message: `down: ${'error' in s ? s.error : 'unknown'}` })));
      }
      const body: Schemas['Health'] = { status: 'ok', service: deps.version.service, time: new Date().toISOString(), dependencies: deps_ };
      return { status: 200, body };
    },
    async getVersion() {
      return { status: 200, body: deps.version };
    },
    async getOpenApiDocument() {
      return { status: 200, body: deps.servedContract };
    },
    async submitReport({ body, principal }) {
      const { receipt, event } = await deps.store.submit(principal!.clientId, body as Schemas['ReportSubmission']);
      // Publish inside the request so a healthy broker answers `queued`; otherwise the relay retries.
      if (await deps.relay.publishAfterCommit(event)) receipt.status = 'queued';
      if (faults.has('drop-required-field')) delete (receipt as Partial<typeof receipt>).seq;
      return { status: faults.has('wrong-status') ? 200 : 202, body: receipt };
    },
    async getReceipt({ pathParams, principal }) {
      const receipt = await deps.store.receipt(principal!.clientId, pathParams.receipt_id!, principal!.scopes.has('admin'));
      if (!receipt) throw new ApiError(404, 'not_found', `Receipt ${pathParams.receipt_id} not found`);
      return { status: 200, body: receipt };
    },
    async getReport({ pathParams }) {
      const report = faults.has('quarantine-visible') ? await deps.store.anyReport(pathParams.public_id!) : await deps.store.publishedReport(pathParams.public_id!);
      if (!report) throw notFound(pathParams.public_id!);
      if (faults.has('drop-required-field')) delete (report as Partial<typeof report>).seq;
      return { status: 200, body: report };
    },
    async listReportsNear({ query }) {
      const radius = query.has('radius_m') ? Number(query.get('radius_m')) : 1000;
      const limit = query.has('limit') ? Number(query.get('limit')) : 20;
      const page = await deps.queries.near(Number(query.get('latitude')), Number(query.get('longitude')), radius, limit, query.get('cursor') ?? undefined);
      if (faults.has('near-unsorted')) page.items.reverse();
      return { status: 200, body: page };
    },
    async listReportPoints({ query }) {
      const bounds = ['min_latitude', 'min_longitude', 'max_latitude', 'max_longitude'] as const;
      const given = bounds.filter((b) => query.has(b));
      if (given.length !== 0 && given.length !== 4) {
        throw new ApiError(400, 'validation_failed', 'Give all four bounds or none',
          bounds.filter((b) => !query.has(b)).map((b) => ({ location: `query/${b}`, message: 'is required with the other bounds' })));
      }
      const n = (b: (typeof bounds)[number]) => Number(query.get(b));
      const bbox = given.length === 4 ? { minLat: n('min_latitude'), minLng: n('min_longitude'), maxLat: n('max_latitude'), maxLng: n('max_longitude') } : undefined;
      return { status: 200, body: await deps.queries.points(query.has('limit') ? Number(query.get('limit')) : 500, bbox) };
    },
    async getReportSummary() {
      return { status: 200, body: await deps.queries.summary() };
    },
    async getStats() {
      return { status: 200, body: await deps.queries.stats() };
    },
    async getReportCard({ pathParams }) {
      const render = await deps.queries.render(pathParams.public_id!);
      if (!render) throw notFound(pathParams.public_id!, 'or not rendered yet');
      return { status: 200, body: render.svg, contentType: faults.has('card-wrong-type') ? 'text/plain' : 'image/svg+xml' };
    },
    async getReportPage({ pathParams }) {
      const render = await deps.queries.render(pathParams.public_id!);
      if (!render) throw notFound(pathParams.public_id!, 'or not rendered yet');
      return { status: 200, body: render.html, contentType: 'text/html; charset=utf-8' };
    },
    async promoteReport({ pathParams }) {
      const report = await deps.store.promote(pathParams.public_id!);
      if (!report) throw notFound(pathParams.public_id!);
      return { status: 200, body: report };
    },
    async deleteSyntheticReports({ query }) {
      return { status: 200, body: { deleted: await deps.store.deleteSynthetic(query.get('source_id_prefix') ?? undefined) } };
    },
  };
}

const notFound = (publicId: string, extra = '') => new ApiError(404, 'not_found', `Report ${publicId} not found${extra ? ` ${extra}` : ''}`);
