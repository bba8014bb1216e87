/**
 * Deliberate faults, switched on for the suites' own tests: each breaks one thing a suite checks, so a
 * test can prove that suite fails against a target that is wrong (suites/README.md lists who catches what).
 * Never on unless asked for: `startStack({ faults })` or CLEANAPP_FAULTS=a,b for a standalone service.
 */
export const FAULTS = {
  'auth-not-enforced': 'the API accepts requests without a valid token',
  'no-request-id': 'responses carry no X-Request-ID header',
  'drop-required-field': 'ingest receipts and reports lose their required `seq` field',
  'wrong-status': 'ingest answers 200 instead of 202',
  'quarantine-visible': 'quarantined reports are served by GET /api/v4/reports/{public_id}',
  'no-cors': 'no CORS headers, even for the allowed origin',
  'cors-preflight-no-authorization': 'CORS preflights no longer allow the Authorization header (only a browser notices)',
  'contract-drift': 'the served /api/v4/openapi.json lost IngestReceipt.seq (drift from the canonical contract)',
  'analyzer-silent': 'the analyzer consumes report.raw but never publishes report.analysed',
  'card-wrong-type': 'the rendered card is served as text/plain',
  'og-relative': 'og:image and og:url of the public page are relative (link previews show no card)',
  'near-unsorted': 'reports near a point come back farthest first',
  'no-pong': 'the WebSocket hub never answers app-level pings',
  'poison-requeued': 'consumers requeue invalid messages forever instead of dead-lettering them',
  'renderer-no-healthz': 'the renderer has no GET /healthz (404; its /version still answers)',
  'analyzer-version-skew': "the analyzer's /version reports another git sha than the rest of the stack",
  'renderer-no-process-time': "the renderer's responses carry no X-Process-Time header",
  'renderer-not-consuming': 'the renderer never consumes report-renderer-queue (the queue exists without a consumer)',
  'analyzer-dead-letters': 'the analyzer refuses every other report.raw permanently (the DLQ grows by real reports)',
  'failed-unmarked': 'a dead-lettered report is not marked failed (its receipt stays where it was)',
  'graphql-subgraph-outdated': 'the `reports` subgraph serves and executes an older SDL (without Report.seq) than the canonical one',
  'graphql-gateway-outdated': 'the GraphQL gateway plans over and introspects as an older supergraph (composed without Report.seq)',
  'policy-permissive': 'the policy decision point lets any admin promote (not only the moderation client) yet reports the canonical revision',
  'policy-stale': 'the policy decision point enforces an older policy (any admin promotes and deletes any synthetic data) and reports that revision',
} as const;

export type Fault = keyof typeof FAULTS;
export type Faults = ReadonlySet<Fault>;

export const NO_FAULTS: Faults = new Set();

export function parseFaults(spec: string | readonly string[] | undefined): Faults {
  const names = (typeof spec === 'string' ? spec.split(',') : (spec ?? [])).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in FAULTS));
  if (unknown.length > 0) throw new Error(`Unknown fault${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${Object.keys(FAULTS).join(', ')})`);
  return new Set(names as Fault[]);
}
