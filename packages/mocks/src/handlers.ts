// MSW `http` handlers for every REST operation of the contract, answering the contract's examples.
// Environment-neutral: only msw core, fetch types and @cleanapp/api-client's request-id generator (bundled),
// which needs no crypto.randomUUID (browsers on plain http, React Native, Node ≥ 20).
import { generateRequestId } from '@cleanapp/api-client';
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { AuthMock } from './auth.js';
import { operationInfo, responseExamples } from './generated/fixtures.js';
import type { OperationId, PathParams, RequestBody, ResponseBody, ResponseMediaType, ResponseStatus, SuccessStatus } from './types.js';

/** What an override answers: a declared status, and optionally a body (default: the contract's example for that status). */
export type OverrideResult<Op extends OperationId> = {
  [S in ResponseStatus<Op>]: {
    status: S;
    /** Typed from the contract for this operation and status; omitted → the contract's example. */
    body?: ResponseBody<Op, S>;
    /** Extra response headers (`X-Request-ID` is always set). */
    headers?: Record<string, string>;
    /** Media type; default: the one the contract declares for this status. */
    contentType?: ResponseMediaType<Op, S>;
  };
}[ResponseStatus<Op>];

export interface OverrideContext<Op extends OperationId> {
  request: Request;
  params: PathParams<Op>;
  query: URLSearchParams;
  /** The request's `X-Request-ID`, or the generated one the response carries. */
  requestId: string;
  /** The parsed JSON request body (`undefined` when there is none or it is not JSON). */
  body: RequestBody<Op> | undefined;
  /** The contract's example for a status of this operation (error envelopes carry this request's id). */
  example<S extends ResponseStatus<Op>>(status: S): ResponseBody<Op, S>;
}

/**
 * A per-test override: a fixed result, or a function of the request. A function may return a result,
 * a raw `Response` (anything goes, e.g. to test a client against a contract violation), or
 * `undefined` to fall through to the default (the success example).
 */
export type Override<Op extends OperationId> =
  | OverrideResult<Op>
  | ((context: OverrideContext<Op>) => OverrideResult<Op> | Response | undefined | void | Promise<OverrideResult<Op> | Response | undefined | void>);

/** Override types of every operation, precomputed (keeps literal statuses in overrides written as arrow functions). */
export type OverrideMap = { [Op in OperationId]: Override<Op> };

export type Overrides = Partial<OverrideMap>;

export interface HandlerOptions {
  /**
   * Origin the client talks to, e.g. `https://api.cleanapp.example` (paths in the contract start with
   * `/api/v4`, plus `/version` and `/r/{public_id}`). Default `*`: any origin.
   */
  baseUrl?: string;
  overrides?: Overrides;
  /** Answer the contract's 401 example when an operation with security gets no `Authorization: Bearer …`. */
  requireAuth?: boolean;
  /**
   * Accept only access tokens this token mock issued (`createAuthHandlers()`): secured operations answer the
   * contract's 401 example for any other, expired or revoked token, and its 403 example when the token lacks
   * the operation's scope.
   */
  auth?: Pick<AuthMock, 'verify'>;
}

const REQUEST_ID = /^[\x21-\x7E]{1,128}$/;
const BEARER = /^Bearer\s+(\S+)/i;

type AnyExample = { contentType: string; body: unknown };
const examplesOf = (operationId: OperationId) => responseExamples[operationId] as unknown as Record<number, AnyExample | undefined>;

/** The request's `X-Request-ID` when it is valid per the contract, otherwise a fresh v4 UUID. */
export function requestIdOf(request: Request): string {
  const incoming = request.headers.get('x-request-id');
  return incoming && REQUEST_ID.test(incoming) ? incoming : generateRequestId();
}

/** A deep copy of a JSON value (no structuredClone: React Native's Hermes lacks it). */
const copyJson = <T>(value: T): T => (value === null || typeof value !== 'object' ? value : (JSON.parse(JSON.stringify(value)) as T));

/** A deep copy of `body`; an error envelope gets `request_id` set to `requestId`. */
function withRequestId<T>(body: T, requestId: string): T {
  if (body === null || typeof body !== 'object') return body;
  const copy = copyJson(body);
  const error = (copy as { error?: unknown }).error;
  if (error && typeof error === 'object' && 'request_id' in error) (error as { request_id: string }).request_id = requestId;
  return copy;
}

/** The contract's example body for an operation and status; error envelopes carry `requestId` when given. */
export function exampleBody<Op extends OperationId, S extends ResponseStatus<Op>>(operationId: Op, status: S, requestId?: string): ResponseBody<Op, S> {
  const example = examplesOf(operationId)[status];
  if (!example) throw new Error(`The contract has no example for ${operationId} ${String(status)}`);
  return (requestId === undefined ? copyJson(example.body) : withRequestId(example.body, requestId)) as ResponseBody<Op, S>;
}

/** Builds the HTTP response: body serialised for its media type, `Content-Type` and `X-Request-ID` set. */
function respond(status: number, contentType: string, body: unknown, requestId: string, extra?: Record<string, string>): Response {
  const headers = new Headers(extra);
  headers.set('x-request-id', requestId);
  if (body === undefined) return new HttpResponse(null, { status, headers });
  headers.set('content-type', contentType.startsWith('text/') && !contentType.includes('charset') ? `${contentType}; charset=utf-8` : contentType);
  const payload = /[/+]json$/.test(contentType.split(';')[0]!.trim()) ? JSON.stringify(body) : String(body);
  return new HttpResponse(payload, { status, headers });
}

/** Answers a status of an operation with the contract's example (or `body`), as the handlers do. */
export function exampleResponse<Op extends OperationId>(
  operationId: Op,
  result: OverrideResult<Op> | { status: SuccessStatus<Op> },
  requestId: string,
): Response {
  const r = result as { status: number; body?: unknown; headers?: Record<string, string>; contentType?: string };
  const example = examplesOf(operationId)[r.status];
  const declared = (operationInfo[operationId].statuses as readonly number[]).includes(r.status);
  if (!declared) throw new Error(`${operationId} does not declare status ${r.status} (declared: ${operationInfo[operationId].statuses.join(', ')})`);
  const body = 'body' in r && r.body !== undefined ? r.body : example ? withRequestId(example.body, requestId) : undefined;
  return respond(r.status, r.contentType ?? example?.contentType ?? 'application/json', body, requestId, r.headers);
}

function urlOf(baseUrl: string, mswPath: string): string {
  return baseUrl === '*' ? `*${mswPath}` : `${baseUrl.replace(/\/+$/, '')}${mswPath}`;
}

async function readJson(request: Request): Promise<unknown> {
  if (!/json/i.test(request.headers.get('content-type') ?? '')) return undefined;
  try {
    const text = await request.clone().text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** 401 or 403 when the request may not call a secured operation under these options, else undefined. */
function authFailure(request: Request, scopes: readonly string[], options: HandlerOptions): 401 | 403 | undefined {
  if (!options.requireAuth && !options.auth) return undefined;
  const bearer = BEARER.exec(request.headers.get('authorization') ?? '');
  if (!bearer) return 401;
  if (!options.auth) return undefined;
  const grant = options.auth.verify(bearer[1]!);
  if (!grant) return 401;
  return scopes.some((s) => grant.scope.includes(s)) ? undefined : 403;
}

function operationHandler<Op extends OperationId>(operationId: Op, override: Override<Op> | undefined, options: HandlerOptions): HttpHandler {
  const info = operationInfo[operationId];
  const method = info.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return http[method](urlOf(options.baseUrl ?? '*', info.mswPath), async ({ request, params }) => {
    const requestId = requestIdOf(request);
    const denied = info.scopes === null ? undefined : authFailure(request, info.scopes, options);
    if (denied !== undefined) return exampleResponse(operationId, { status: denied } as OverrideResult<Op>, requestId);
    let result: OverrideResult<Op> | Response | undefined | void;
    if (typeof override === 'function') {
      result = await override({
        request,
        params: params as unknown as PathParams<Op>,
        query: new URL(request.url).searchParams,
        requestId,
        body: (await readJson(request)) as RequestBody<Op> | undefined,
        example: (status) => exampleBody(operationId, status, requestId),
      });
    } else {
      result = override;
    }
    if (result instanceof Response) {
      try {
        if (!result.headers.has('x-request-id')) result.headers.set('x-request-id', requestId);
      } catch {
        // Immutable headers (e.g. Response.error()): answer as given.
      }
      return result;
    }
    return exampleResponse(operationId, result ?? ({ status: info.successStatus } as OverrideResult<Op>), requestId);
  });
}

/** Every operation id of the contract, literal paths before templates (the order handlers are matched in). */
export const operationIds = Object.keys(operationInfo) as OperationId[];

/**
 * MSW handlers for every REST operation of the contract. Each answers its success example with the
 * declared media type and `X-Request-ID` (echoed or generated); `overrides` change single operations.
 *
 * ```ts
 * createHandlers({ baseUrl, overrides: { getReport: ({ params }) => ({ status: 404 }) } })
 * ```
 */
export function createHandlers(options: HandlerOptions = {}): HttpHandler[] {
  return operationIds.map((id) => operationHandler(id, options.overrides?.[id] as Override<typeof id> | undefined, options));
}

/**
 * One handler for one operation, to prepend with `server.use(...)` in a single test, e.g.
 * `mockOperation('submitReport', { status: 409 })` answers the contract's 409 example.
 */
export function mockOperation<Op extends OperationId>(operationId: Op, override: OverrideMap[NoInfer<Op>], options: Omit<HandlerOptions, 'overrides'> = {}): HttpHandler {
  return operationHandler(operationId, override, options);
}
