// The stack's HTTP plumbing (src/http/) as a yoga plugin, for the gateway and the subgraphs alike:
// exchange headers, CORS, and the JWT check (401/403 as HTTP statuses with a GraphQL-style body).
import type { Plugin } from 'graphql-yoga';
import { authenticate, READ_REQUIREMENT, type Authorizer } from '../http/auth/index.js';
import { corsHeaders, isPreflight, preflightResponse, type CorsOptions } from '../http/cors/index.js';
import { errorResponse, HttpError, type ErrorBody } from '../http/error/index.js';
import { beginExchange, exchangeHeaders, type Exchange } from '../http/exchange/index.js';
import { opsBody, type Ops } from '../http/ops/index.js';

const exchanges = new WeakMap<Request, Exchange>();

/** The request id of a request (for logs and forwarding to subgraphs). */
export const requestIdOf = (request: Request | undefined): string | undefined => (request ? exchanges.get(request)?.requestId : undefined);

/** GraphQL clients read errors from `errors`, with upper-case codes. */
const graphqlBody: ErrorBody = (error, requestId) => ({
  errors: [{ message: error.message, extensions: { code: error.code === 'unauthorized' ? 'UNAUTHENTICATED' : error.code.toUpperCase(), request_id: requestId } }],
});

export interface HttpPluginOptions {
  authorizer: Authorizer;
  cors: CorsOptions;
  /** /healthz and /version (the gateway passes them); their errors are the REST envelope, not GraphQL `errors`. */
  ops?: Ops;
}

const asHttpError = (error: unknown) => (error instanceof HttpError ? error : new HttpError(500, 'internal', 'Internal error'));

/** Everything but the health checks and CORS preflights (which carry no credentials) needs `report:read`. */
export function useHttp(options: HttpPluginOptions): Plugin {
  const header = (request: Request) => (name: string) => request.headers.get(name);
  return {
    async onRequest({ request, url, endResponse }) {
      const current = beginExchange(header(request));
      exchanges.set(request, current);
      try {
        if (isPreflight(request.method, header(request))) return endResponse(preflightResponse(options.cors, request.headers.get('origin')));
        if (url.pathname === '/health' || url.pathname === '/readiness') return;
        const ops = options.ops && opsBody(options.ops, request.method, url.pathname);
        if (ops) {
          endResponse(await ops.then((body) => Response.json(body, { headers: { 'cache-control': 'no-store' } }), (error: unknown) => errorResponse(asHttpError(error), current)));
          return;
        }
        await authenticate(options.authorizer, request.headers.get('authorization') ?? undefined, READ_REQUIREMENT);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        endResponse(errorResponse(error, current, graphqlBody));
      }
    },
    onResponse({ request, response }) {
      // yoga answers its own /health before any plugin's onRequest: that exchange begins here.
      const current = exchanges.get(request) ?? beginExchange(header(request));
      const headers = { ...corsHeaders(options.cors, request.headers.get('origin'), current), ...exchangeHeaders(current) };
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    },
  };
}
