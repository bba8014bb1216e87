// A tiny GraphQL-over-HTTP executor: POSTs a typed document, returns its typed data or throws a
// GraphqlRequestError carrying the GraphQL errors. Uses only fetch/Headers (browsers, React Native, Node ≥ 20)
// and sends documents as the strings they are shipped as, so graphql-js never has to be in an app bundle.
import { generateRequestId, type TokenProvider } from '@cleanapp/api-client';
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

export type { TokenProvider };

/** One entry of a GraphQL response's `errors` (GraphQL over HTTP / GraphQL spec §7.1.2). */
export interface GraphqlErrorItem {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** What went wrong: the server answered with GraphQL errors, with an HTTP error without them, or not at all. */
export type GraphqlFailureKind = 'graphql' | 'http' | 'network';

/**
 * Thrown by `request` for any failure. `errors` always has at least one entry: the server's GraphQL errors,
 * or a synthetic one (code `HTTP_ERROR` / `NETWORK_ERROR` / `BAD_RESPONSE`) when there were none.
 */
export class GraphqlRequestError extends Error {
  override readonly name = 'GraphqlRequestError';

  constructor(
    readonly kind: GraphqlFailureKind,
    readonly errors: GraphqlErrorItem[],
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** The X-Request-ID sent (and normally echoed by the server): quote it when reporting a problem. */
    readonly requestId: string,
    /** Partial data returned next to the errors, if any. */
    readonly data: unknown = null,
    options?: { cause?: unknown },
  ) {
    super(`${errors.map((e) => e.message).join('; ')} (${status ? `HTTP ${status}, ` : ''}request ${requestId})`, options);
  }

  /** `extensions.code` of the first error (e.g. UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT). */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export interface GraphqlClientOptions {
  /** The GraphQL endpoint, e.g. `https://api.cleanapp.example/graphql`. */
  url: string;
  /** Bearer token or provider (called per request, so it can refresh). */
  token?: TokenProvider;
  /** Custom fetch (tests, React Native polyfills). Defaults to the global fetch at call time. */
  fetch?: typeof globalThis.fetch;
  /** Request-id generator; defaults to a random v4 UUID that needs no `crypto.randomUUID` (Hermes, plain-http pages). */
  requestId?: () => string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * Turns a graphql-js `DocumentNode` without source text (codegen's default `documentMode: 'documentNode'`)
   * into a query string: pass `print` from `graphql`. Not needed for this package's documents (strings), for
   * `typedDocument`, or for documents that `parse`/`gql` made (they keep their source). The parameter is
   * typed `never` so graphql's `print(ast: ASTNode)` fits without this package depending on graphql's types.
   */
  print?: (document: never) => string;
}

/** The part of a graphql-js `DocumentNode` this client reads (structural, so graphql-js is not a dependency). */
interface DocumentNodeLike {
  readonly kind: string;
  readonly definitions: readonly { readonly kind: string; readonly name?: { readonly value: string } }[];
  readonly loc?: { readonly source: { readonly body: string } };
}

export interface RequestOptions {
  /** Per-call headers; an explicit `Authorization` or `X-Request-ID` here wins over the client's. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A document with result/variable types: a generated one (a `TypedDocumentString`), `typedDocument(...)`,
 * or a graphql-js `TypedDocumentNode` (structurally one of these too).
 */
export type TypedDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & { toString(): string };

/** Variables are optional when the operation has none (or only optional ones). */
export type VariablesArgs<TVariables> = Record<string, never> extends TVariables
  ? [variables?: TVariables, options?: RequestOptions]
  : [variables: TVariables, options?: RequestOptions];

export interface GraphqlClient {
  request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, ...args: VariablesArgs<TVariables>): Promise<TResult>;
}

interface Source {
  query: string;
  operationName: string | undefined;
}

const OPERATION = /(?:^|[\n{}])\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;

/** The operation name when the text holds exactly one named operation (the server then needs none). */
function operationNameOf(query: string): string | undefined {
  const names = [...query.matchAll(OPERATION)].map((m) => m[1]!);
  return names.length === 1 ? names[0] : undefined;
}

const isDocumentNode = (document: unknown): document is DocumentNodeLike =>
  typeof document === 'object' && document !== null && !(document instanceof String) && (document as DocumentNodeLike).kind === 'Document';

const sources = new WeakMap<object, Source>();

function sourceOf(document: unknown, print: GraphqlClientOptions['print']): Source {
  if (!isDocumentNode(document)) {
    const query = String(document);
    return { query, operationName: operationNameOf(query) };
  }
  let hit = sources.get(document);
  if (!hit) {
    const query = document.loc?.source.body ?? print?.(document as never);
    if (query === undefined) {
      throw new TypeError(
        'This DocumentNode has no source text to send. Pass `print` from graphql (createGraphqlClient({ url, print })), ' +
          "or generate string documents (graphql-codegen client preset with documentMode: 'string').",
      );
    }
    const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    hit = { query, operationName: operations.length === 1 ? operations[0]!.name?.value : operationNameOf(query) };
    sources.set(document, hit);
  }
  return hit;
}

const isErrorList = (v: unknown): v is GraphqlErrorItem[] =>
  Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'object' && e !== null && typeof (e as GraphqlErrorItem).message === 'string');

/** Creates a client for one GraphQL endpoint. */
export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const newRequestId = options.requestId ?? generateRequestId;
  return {
    async request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, ...[variables, call]: VariablesArgs<TVariables>): Promise<TResult> {
      const { query, operationName } = sourceOf(document, options.print);
      const headers = new Headers(options.headers);
      for (const [name, value] of Object.entries(call?.headers ?? {})) headers.set(name, value);
      headers.set('content-type', 'application/json');
      if (!headers.has('accept')) headers.set('accept', 'application/graphql-response+json, application/json');
      if (!headers.has('x-request-id')) headers.set('x-request-id', newRequestId());
      if (!headers.has('authorization') && options.token !== undefined) {
        const token = typeof options.token === 'function' ? await options.token({ forceRefresh: false }) : options.token;
        if (token) headers.set('authorization', `Bearer ${token}`);
      }
      const requestId = headers.get('x-request-id')!;
      const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

      let response: Response;
      try {
        response = await fetchFn(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query, ...(operationName ? { operationName } : {}), ...(variables ? { variables } : {}) }),
          ...(call?.signal ? { signal: call.signal } : {}),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new GraphqlRequestError('network', [{ message: `The request failed: ${message}`, extensions: { code: 'NETWORK_ERROR' } }], 0, requestId, null, { cause: error });
      }
      const echoed = response.headers.get('x-request-id') ?? requestId;
      const text = await response.text().catch(() => '');
      let body: { data?: unknown; errors?: unknown } | undefined;
      try {
        const parsed: unknown = text ? JSON.parse(text) : undefined;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as typeof body;
      } catch {
        body = undefined;
      }
      if (body && isErrorList(body.errors)) {
        throw new GraphqlRequestError(response.ok ? 'graphql' : 'http', body.errors, response.status, echoed, body.data ?? null);
      }
      if (!response.ok) {
        const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${text ? `: ${text.slice(0, 200)}` : ''}`;
        throw new GraphqlRequestError('http', [{ message, extensions: { code: 'HTTP_ERROR' } }], response.status, echoed);
      }
      if (!body || !('data' in body) || body.data === null || typeof body.data !== 'object') {
        throw new GraphqlRequestError('http', [{ message: 'The response is not a GraphQL result (no data, no errors)', extensions: { code: 'BAD_RESPONSE' } }], response.status, echoed);
      }
      return body.data as TResult;
    },
  };
}
