import * as openapiFetch from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import { operationParseAs } from './generated/parse-as.js';
import type { paths } from './generated/schema.js';
import { requestIdMiddleware, tokenMiddleware, type TokenProvider } from './middleware.js';
import { resilientFetch, type TransportOptions } from './resilient-fetch.js';

// openapi-fetch's CommonJS build sets `exports.default` (with __esModule). Our CommonJS build imports it with
// Node's interop, where the default import is the whole `module.exports`: take `.default` from there.
type CreateClient = typeof openapiFetch.default;
const createClient: CreateClient =
  typeof openapiFetch.default === 'function' ? openapiFetch.default : (openapiFetch.default as unknown as { default: CreateClient }).default;

export type { TokenProvider };
export type ApiClient = Client<paths>;

export interface ApiClientOptions extends Omit<TransportOptions, 'refreshToken'> {
  /** Origin of the API, e.g. `https://api.cleanapp.io`; paths in the contract start with `/api/v4`. */
  baseUrl: string;
  /** Bearer token or provider; omitted for public operations only. */
  token?: TokenProvider;
  /** Custom fetch (tests, React Native polyfills). Defaults to the global fetch at call time. */
  fetch?: typeof globalThis.fetch;
  /** Request-id generator; defaults to `generateRequestId` (a random v4 UUID, works without `crypto`). */
  requestId?: () => string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** A typed client for the CleanApp REST API built on openapi-fetch. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Resolve fetch per call: a client created before a test installs an interceptor still goes through it.
    fetch: resilientFetch(options.fetch ?? ((input: Request) => globalThis.fetch(input)), {
      ...options,
      ...(typeof options.token === 'function' ? { refreshToken: async () => (options.token as Exclude<TokenProvider, string>)({ forceRefresh: true }) } : {}),
    }),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use(requestIdMiddleware(options.requestId));
  if (options.token !== undefined) client.use(tokenMiddleware(options.token));
  return withContractParseAs(client);
}

type Init = { parseAs?: string } | undefined;
type Call = (url: string, init?: Init) => Promise<unknown>;
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/**
 * Reads each operation's body the way the contract says it arrives (SVG and HTML as text, binary as Blob;
 * openapi-fetch would JSON-parse them), unless the call passes its own `parseAs`. The generated types say
 * the same (string, Blob), so `data` is typed as what arrives.
 */
function withContractParseAs(client: ApiClient): ApiClient {
  const init = (method: string, url: string, given: Init): Init => {
    if (given?.parseAs !== undefined) return given;
    const parseAs = operationParseAs[`${method.toUpperCase()} ${url}`];
    return parseAs ? { ...given, parseAs } : given;
  };
  const methods = client as unknown as Record<(typeof METHODS)[number], Call> & { request: (method: string, url: string, init?: Init) => Promise<unknown> };
  const wrapped: Record<string, unknown> = {
    ...client,
    request: (method: string, url: string, given?: Init) => methods.request(method, url, init(method, url, given)),
  };
  for (const method of METHODS) wrapped[method] = (url: string, given?: Init) => methods[method](url, init(method, url, given));
  return wrapped as unknown as ApiClient;
}
