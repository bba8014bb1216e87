// The API's deliberate faults (src/faults.ts), one function each, applied at the edges when the app is
// built: a different verifier, store or contract, an outer middleware, or a handler wrapper.
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps, Handler, Handlers, Result } from '../api/app.js';
import type { Fault, Faults } from '../faults.js';
import type { HttpEnv } from '../http/exchange/index.js';

type ApiFault = (deps: ApiDeps) => ApiDeps;

/** Removes response headers after everything else has set them. */
const stripHeaders = (matches: (name: string) => boolean): MiddlewareHandler<HttpEnv> => async (c, next) => {
  await next();
  for (const name of [...c.res.headers.keys()].filter(matches)) c.res.headers.delete(name);
};

const withMiddleware = (deps: ApiDeps, middleware: MiddlewareHandler<HttpEnv>): ApiDeps => ({ ...deps, middleware: [middleware, ...(deps.middleware ?? [])] });

/** Rewrites the results of some operations. */
function withResults(deps: ApiDeps, rewrites: Record<string, (result: Result) => Result>): ApiDeps {
  const wrapInner = deps.wrapHandlers ?? ((h: Handlers) => h);
  const rewrite = (handler: Handler, fn: (result: Result) => Result): Handler => async (call) => fn(await handler(call));
  return {
    ...deps,
    wrapHandlers: (handlers) => {
      const inner = wrapInner(handlers);
      return { ...inner, ...Object.fromEntries(Object.entries(rewrites).map(([op, fn]) => [op, rewrite(inner[op]!, fn)])) };
    },
  };
}

const withoutSeq = (result: Result): Result => {
  const { seq: _seq, ...body } = result.body as { seq?: number };
  return { ...result, body };
};

const API_FAULTS: Partial<Record<Fault, ApiFault>> = {
  'auth-not-enforced': (deps) => ({
    ...deps,
    verifier: { authorize: async () => ({ ok: true, principal: { clientId: 'anyone', scopes: new Set(['report:submit', 'report:read', 'admin']) } }) },
  }),
  'no-request-id': (deps) => withMiddleware(deps, stripHeaders((name) => name === 'x-request-id')),
  'no-cors': (deps) => withMiddleware(deps, stripHeaders((name) => name.startsWith('access-control-') || name === 'vary')),
  'cors-preflight-no-authorization': (deps) =>
    withMiddleware(deps, async (c, next) => {
      await next();
      const allowed = c.res.headers.get('access-control-allow-headers');
      if (c.req.method === 'OPTIONS' && allowed) c.res.headers.set('access-control-allow-headers', allowed.split(/\s*,\s*/).filter((h) => h.toLowerCase() !== 'authorization').join(', '));
    }),
  'drop-required-field': (deps) => withResults(deps, { submitReport: withoutSeq, getReport: withoutSeq }),
  'wrong-status': (deps) => withResults(deps, { submitReport: (result) => ({ ...result, status: 200 }) }),
  'card-wrong-type': (deps) => withResults(deps, { getReportCard: (result) => ({ ...result, contentType: 'text/plain' }) }),
  'near-unsorted': (deps) => withResults(deps, { listReportsNear: (result) => ({ ...result, body: { ...(result.body as object), items: [...(result.body as { items: unknown[] }).items].reverse() } }) }),
  'quarantine-visible': (deps) => {
    const store = Object.create(deps.store) as ApiDeps['store'];
    store.publishedReport = (publicId) => deps.store.anyReport(publicId);
    return { ...deps, store };
  },
  'contract-drift': (deps) => {
    const served = structuredClone(deps.servedContract) as { components: { schemas: Record<string, { required: string[]; properties: Record<string, unknown> }> } };
    const receipt = served.components.schemas.IngestReceipt!;
    receipt.required = receipt.required.filter((f) => f !== 'seq');
    delete receipt.properties.seq;
    return { ...deps, servedContract: served };
  },
};

/** The API's dependencies with the given faults applied (unchanged for none). */
export function withApiFaults(deps: ApiDeps, faults: Faults): ApiDeps {
  return [...faults].reduce((d, fault) => API_FAULTS[fault]?.(d) ?? d, deps);
}
