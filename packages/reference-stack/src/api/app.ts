import type { components } from '@cleanapp/api-client';
import { OpenApiValidator, type Operation, type Problem } from '@cleanapp/contracts';
import type { Broker } from '@cleanapp/events/node';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Principal } from '../auth/verify.js';
import { authenticate, type Authorizer } from '../http/auth/index.js';
import { MAX_BODY_BYTES, readJsonBody } from '../http/body-limit/index.js';
import { cors } from '../http/cors/index.js';
import { HttpError, onHttpError } from '../http/error/index.js';
import { exchange, type HttpEnv } from '../http/exchange/index.js';
import { health, type Ops } from '../http/ops/index.js';
import { infraChecks } from '../ops.js';
import type { Database } from '../store/db.js';
import type { OutboxRelay } from '../store/outbox.js';
import type { QueryStore } from '../store/queries.js';
import type { ReportStore } from '../store/reports.js';
import type { PolicyDecider } from '../policy/client.js';
import { toHttpError } from './errors.js';
import { enforce, PolicyDeniedError, withDecisionIds } from './policy.js';

type Schemas = components['schemas'];

export interface ApiDeps {
  validator: OpenApiValidator;
  verifier: Authorizer;
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
  /** The policy decision point (over HTTP): quarantined reads, promotion, synthetic deletes. */
  policy: PolicyDecider;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** Outermost middleware and handler wrappers, applied when the app is built (how src/faults/ gets in). */
  middleware?: MiddlewareHandler<HttpEnv>[];
  wrapHandlers?: (handlers: Handlers) => Handlers;
}

interface Call {
  op: Operation;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  principal?: Principal;
  requestId: string;
}

export interface Result {
  status: number;
  body: unknown;
  contentType?: string;
}

export type Handler = (call: Call) => Promise<Result>;
export type Handlers = Record<string, Handler>;

/**
 * The /api/v4 HTTP surface. Routing, authorization and request validation are driven by the contract
 * (OpenApiValidator), so an operation added to the contract without a handler is a 501 — and every
 * failure, whatever its cause, leaves as the error envelope with the request id (src/http/).
 */
export function createApiApp(deps: ApiDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const maxBody = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const handlers = (deps.wrapHandlers ?? ((h) => h))(createHandlers(deps));

  for (const middleware of deps.middleware ?? []) app.use(middleware);
  app.use(exchange(), cors({ origins: deps.corsOrigins, methods: ['GET', 'POST', 'DELETE', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type', 'X-Request-ID'] }));
  app.onError(withDecisionIds(onHttpError(toHttpError, (line, error) => console.error(`[api] ${line}`, error))));
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const matched = deps.validator.match(c.req.method, url.pathname);
    if (!matched) throw new HttpError(404, 'not_found', `No route for ${c.req.method} ${url.pathname}`);
    if ('pathExists' in matched) {
      throw new HttpError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${url.pathname}`, undefined, { allow: matched.allow.join(', ') });
    }
    const { operation: op, pathParams } = matched;
    const principal = await authenticate(deps.verifier, c.req.header('authorization'), op.security);
    const body = op.requestBody ? await readJsonBody(c.req.raw, maxBody) : undefined;
    const problems = deps.validator.validateRequest(op, { pathParams, query: url.searchParams, headers: c.req.raw.headers, body });
    problems.push(...dependentQueryProblems(deps.validator, op, url.searchParams));
    if (problems.length > 0) throw new HttpError(400, 'validation_failed', 'The request does not match the contract', problems);

    const handler = handlers[op.operationId];
    if (!handler) throw new HttpError(501, 'internal', `${op.operationId} is not implemented`);
    const result = await handler({ op, pathParams, query: url.searchParams, body, principal, requestId: c.get('exchange').requestId });
    const headers = { 'cache-control': 'no-store' };
    if (result.contentType) return c.body(String(result.body), result.status as 200, { ...headers, 'content-type': result.contentType });
    return c.json(result.body as object, result.status as 200, headers);
  });
  return app;
}

function createHandlers(deps: ApiDeps): Handlers {
  const ops: Ops = { version: deps.version, checks: infraChecks(deps) };
  const healthz: Handler = async () => ({ status: 200, body: await health(ops) });
  return {
    // /api/v4/health (kept for existing clients) and the platform's /healthz: the same check.
    getHealth: healthz,
    getHealthz: healthz,
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
      return { status: 202, body: receipt };
    },
    async getReceipt({ pathParams, principal }) {
      return found(await deps.store.receipt(principal!.clientId, pathParams.receipt_id!, principal!.scopes.has('admin')), `Receipt ${pathParams.receipt_id}`);
    },
    async getReport({ pathParams, principal, requestId }) {
      const id = pathParams.public_id!;
      const published = await deps.store.publishedReport(id);
      if (published) return { status: 200, body: published };
      // Not published: only the policy may show it (its submitter); anyone else gets the 404 of an unknown id.
      const held = found(await deps.store.reportWithSubmitter(id), `Report ${id}`).body;
      const resource = { type: 'report', public_id: id, lane: held.report.lane, submitted_by: held.submittedBy } as const;
      await enforce(deps.policy, principal, 'report:read', resource, requestId, (decision) => new PolicyDeniedError(404, 'not_found', `Report ${id} not found`, decision));
      return { status: 200, body: held.report };
    },
    async listReportsNear({ query }) {
      const radius = query.has('radius_m') ? Number(query.get('radius_m')) : 1000;
      const limit = query.has('limit') ? Number(query.get('limit')) : 20;
      return { status: 200, body: await deps.queries.near(Number(query.get('latitude')), Number(query.get('longitude')), radius, limit, query.get('cursor') ?? undefined) };
    },
    async listReportPoints({ query }) {
      // All four bounds or none: the contract's x-query-dependent-required, checked before the handler.
      const n = (b: string) => Number(query.get(b));
      const bbox = query.has('min_latitude') ? { minLat: n('min_latitude'), minLng: n('min_longitude'), maxLat: n('max_latitude'), maxLng: n('max_longitude') } : undefined;
      return { status: 200, body: await deps.queries.points(query.has('limit') ? Number(query.get('limit')) : 500, bbox) };
    },
    async getReportSummary() {
      return { status: 200, body: await deps.queries.summary() };
    },
    async getStats() {
      return { status: 200, body: await deps.queries.stats() };
    },
    async getReportCard({ pathParams }) {
      const { body } = found(await deps.queries.render(pathParams.public_id!), `Rendered report ${pathParams.public_id}`);
      return { status: 200, body: body.svg, contentType: 'image/svg+xml' };
    },
    async getReportPage({ pathParams }) {
      const { body } = found(await deps.queries.render(pathParams.public_id!), `Rendered report ${pathParams.public_id}`);
      return { status: 200, body: body.html, contentType: 'text/html; charset=utf-8' };
    },
    async promoteReport({ pathParams, principal, requestId }) {
      const id = pathParams.public_id!;
      // Decided before the 404: a client that may not promote learns nothing about which ids exist.
      const held = await deps.store.reportWithSubmitter(id);
      const resource = held ? ({ type: 'report', public_id: id, lane: held.report.lane, submitted_by: held.submittedBy } as const) : ({ type: 'report', public_id: id, lane: 'quarantine' } as const);
      await enforce(deps.policy, principal, 'report:promote', resource, requestId, (decision) => new PolicyDeniedError(403, 'forbidden', 'The policy denies promoting reports to this client (moderation decides)', decision));
      return found(await deps.store.promote(id), `Report ${id}`);
    },
    async deleteSyntheticReports({ query, principal, requestId }) {
      const prefix = query.get('source_id_prefix') ?? undefined;
      await enforce(deps.policy, principal, 'synthetic:delete', { type: 'synthetic', ...(prefix ? { source_id_prefix: prefix } : {}) }, requestId, (decision) =>
        new PolicyDeniedError(403, 'forbidden', 'The policy denies this delete: give a source_id_prefix that starts with your synthetic prefix', decision),
      );
      return { status: 200, body: { deleted: await deps.store.deleteSynthetic(prefix) } };
    },
  };
}

/**
 * The operation's `x-query-dependent-required` (JSON Schema `dependentRequired` over query parameters,
 * which OpenAPI 3.1 cannot state otherwise): each missing parameter a given one requires is a problem.
 */
function dependentQueryProblems(validator: OpenApiValidator, op: Operation, query: URLSearchParams): Problem[] {
  const rule = (validator.document.paths[op.path]?.[op.method.toLowerCase()] as { 'x-query-dependent-required'?: Record<string, string[]> } | undefined)?.['x-query-dependent-required'];
  const missing = new Map<string, string>();
  for (const [name, requires] of Object.entries(rule ?? {})) {
    if (query.has(name)) for (const other of requires) if (!query.has(other) && !missing.has(other)) missing.set(other, name);
  }
  return [...missing].map(([name, by]) => ({ location: `query/${name}`, message: `is required with ${by}` }));
}

/** 200 with the value, or the contract's 404 envelope naming what is missing. */
function found<T>(value: T | undefined, what: string): { status: 200; body: T } {
  if (value === undefined) throw new HttpError(404, 'not_found', `${what} not found`);
  return { status: 200, body: value };
}
