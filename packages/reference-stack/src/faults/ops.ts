// The platform-standard faults (src/faults.ts) of one service, applied around its whole HTTP app: the
// health sweep must notice which of the services misbehaves, not only that the API does.
import type { Fault, Faults } from '../faults.js';
import type { App } from '../http/listen.js';
import { OPS_PATHS } from '../http/ops/index.js';

type OpsFault = (app: App) => App;

/** Another app answers the paths it matches (its requests reach `app` under a path no route has). */
const withoutRoute = (path: string): OpsFault => (app) => ({
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== path) return app.fetch(request);
    url.pathname = `/removed-by-fault${path}`;
    return app.fetch(new Request(url, request));
  },
});

/** Rewrites every response after the app made it. */
const rewrite = (fn: (response: Response, request: Request) => Promise<Response> | Response): OpsFault => (app) => ({
  async fetch(request) {
    return fn(await app.fetch(request), request);
  },
});

const SKEWED_SHA = '0badc0ffee00';

const OPS_FAULTS: Partial<Record<Fault, { service: string; apply: OpsFault }>> = {
  'renderer-no-healthz': { service: 'renderer', apply: withoutRoute(OPS_PATHS.healthz) },
  'analyzer-version-skew': {
    service: 'analyzer',
    apply: rewrite(async (response, request) => {
      if (new URL(request.url).pathname !== OPS_PATHS.version || !response.ok) return response;
      const body = JSON.stringify({ ...((await response.json()) as object), git_sha: SKEWED_SHA });
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(body, { status: response.status, headers });
    }),
  },
  'renderer-no-process-time': {
    service: 'renderer',
    apply: rewrite((response) => {
      const headers = new Headers(response.headers);
      headers.delete('x-process-time');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  },
};

/** `service`'s app with those of the given faults that target it applied (unchanged for none). */
export function withOpsFaults(service: string, app: App, faults: Faults): App {
  return [...faults].reduce((a, fault) => (OPS_FAULTS[fault]?.service === service ? OPS_FAULTS[fault].apply(a) : a), app);
}
