import { existsSync, readFileSync } from 'node:fs';
import { diff, formatResult } from '@cleanapp/contract-diff';
import { contractPaths, loadOpenApi, readSubgraphs } from '@cleanapp/contracts';
import { CHROMIUM_ARGS, chromiumPath, curlOf, expectContract, recordingFetch, sharedChromium, suiteContext } from '@cleanapp/smoke-kit';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();
const CHROMIUM = chromiumPath();
const OTHER_ORIGIN = 'https://not-allowed.example';

/** Why the GraphQL checks cannot run here, or undefined when they can (the gateway and subgraphs need `report:read`). */
const graphqlSkip = !ctx.target.graphql ? 'the target has no graphql.url' : !ctx.target.auth ? 'the target has no auth section (GraphQL needs a report:read token)' : undefined;
const subgraphs = Object.entries(ctx.target.graphql?.subgraphs ?? {});
const gqlFetch = recordingFetch();

/**
 * Fails when `served` has a breaking or warning change against `canonical`, read as "what a client built
 * from the canonical contract meets in this deployment"; the drift report is the failure message (and
 * from there goes into JUnit/HTML).
 */
async function expectNoDrift(canonical: unknown, served: unknown, between: string): Promise<void> {
  // Judged for clients: what code built on the generated clients meets (the gate's judgement).
  const result = await diff(canonical, served, { judge: 'clients' });
  const drift = result.changes.filter((c) => c.level !== 'info');
  expect(drift, `drift between ${between}:\n${formatResult({ ...result, changes: drift }, 'text')}`).toEqual([]);
}

/** The `data` of a GraphQL query sent with a `report:read` token; anything else fails naming the endpoint. */
async function graphqlData<T>(url: string, query: string): Promise<T> {
  const res = await gqlFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${await ctx.token('report:read')}` },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  let body: { data?: T | null; errors?: unknown[] } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* reported below with the raw text */
  }
  if (res.status !== 200 || !body?.data || body.errors?.length) {
    throw new Error(`POST ${url}: expected 200 with data and no errors, got ${res.status} ${text.slice(0, 600)}\n  reproduce: ${curlOf(res)}`);
  }
  return body.data;
}

/** Why the browser checks cannot run here, or undefined when they can. */
const browserSkip = !ctx.target.cors
  ? 'the target names no cors.allowedOrigin'
  : !ctx.target.auth
    ? 'the target has no auth section (the page calls a protected operation)'
    : !existsSync(CHROMIUM)
      ? `no browser at ${CHROMIUM}`
      : undefined;

describe('contracts', () => {
  it('the served /api/v4/openapi.json does not drift from the canonical contract (no breaking or warning change)', async () => {
    const { body: served } = await expectContract('getOpenApiDocument', await ctx.anonymous.GET('/api/v4/openapi.json'), { status: 200 });
    await expectNoDrift(loadOpenApi(), served, `the canonical contract and ${ctx.url('/api/v4/openapi.json')}`);
  });

  describe.skipIf(graphqlSkip !== undefined)(graphqlSkip ? `GraphQL (skipped: ${graphqlSkip})` : 'GraphQL', () => {
    it('the gateway\'s introspected schema does not drift from the canonical supergraph (no breaking or warning change)', async () => {
      const url = ctx.target.graphql!.url;
      const served = printSchema(buildClientSchema(await graphqlData<IntrospectionQuery>(url, getIntrospectionQuery())));
      // contract-diff compares API schemas: the supergraph's join__/link__ plumbing is stripped first.
      await expectNoDrift(readFileSync(contractPaths.supergraph, 'utf8'), served, `the canonical supergraph (contracts/generated/supergraph.graphql) and the gateway ${url} (introspection)`);
    });

    const canonical = new Map(readSubgraphs(contractPaths.subgraphs).map((s) => [s.name, s.typeDefs]));
    if (subgraphs.length === 0) it.skip('each subgraph\'s _service { sdl } (skipped: the target names no graphql.subgraphs)', () => undefined);
    for (const [name, url] of subgraphs) {
      it(`subgraph ${name}: its _service { sdl } does not drift from contracts/graphql/${name}.graphql (no breaking or warning change)`, async () => {
        const sdl = canonical.get(name);
        if (sdl === undefined) throw new Error(`graphql.subgraphs of the target names "${name}", which is not a canonical subgraph (contracts/graphql has: ${[...canonical.keys()].join(', ')})`);
        const { _service } = await graphqlData<{ _service: { sdl: string | null } }>(url, '{ _service { sdl } }');
        expect(_service.sdl, `${url}: _service.sdl`).toEqual(expect.any(String));
        await expectNoDrift(sdl, _service.sdl, `contracts/graphql/${name}.graphql and the subgraph ${url} (_service { sdl })`);
      });
    }
  });

  describe.skipIf(!ctx.target.cors)(ctx.target.cors ? 'CORS' : 'CORS (skipped: the target names no cors.allowedOrigin)', () => {
    it('the allowed origin gets Access-Control-Allow-Origin and can read X-Request-ID', async () => {
      const origin = ctx.target.cors!.allowedOrigin;
      const res = await ctx.fetch('/api/v4/health', { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), `Access-Control-Allow-Origin for ${origin}`).toBe(origin);
      expect(res.headers.get('access-control-expose-headers') ?? '', 'Access-Control-Expose-Headers').toMatch(/x-request-id/i);
      const preflight = await ctx.fetch('/api/v4/reports', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      expect(preflight.status, 'preflight status').toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it('another origin gets no CORS headers', async () => {
      const res = await ctx.fetch('/api/v4/health', { headers: { origin: OTHER_ORIGIN } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe.skipIf(browserSkip !== undefined)(browserSkip ? `CORS in Chromium (skipped: ${browserSkip})` : 'CORS in Chromium', () => {
    let browser: Browser;
    let token: string;
    beforeAll(async () => {
      token = await ctx.token('report:read');
      // The run's one Chromium when the runner started it (it closes it), else a browser of this file's own.
      // CHROMIUM_ARGS turn off Local Network Access checks only: the pages below are served by request
      // interception, in the public address space, and the CORS checks are the ones under test.
      const shared = sharedChromium();
      browser = shared ? await chromium.connectOverCDP(shared) : await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    });
    afterAll(async () => browser?.close());

    /**
     * Opens a page whose origin is `origin` and runs `fetch` of the protected GET /api/v4/stats in it, with
     * a bearer token: the browser sends a real preflight and enforces the answer's CORS headers. The page is
     * served by CDP's Fetch domain for that origin only (any origin works without DNS or certificates);
     * Playwright's page.route is not used because with it Playwright answers CORS preflights itself.
     */
    async function fetchFrom(origin: string): Promise<{ ok: true; status: number; requestId: string | null } | { ok: false; error: string; console: string[] }> {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        cdp.on('Fetch.requestPaused', (e: { requestId: string }) => {
          const body = Buffer.from('<!doctype html><title>cors</title>').toString('base64');
          void cdp.send('Fetch.fulfillRequest', { requestId: e.requestId, responseCode: 200, responseHeaders: [{ name: 'content-type', value: 'text/html' }], body });
        });
        await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${origin}/*`, requestStage: 'Request' }] });
        const messages: string[] = [];
        page.on('console', (m) => messages.push(m.text()));
        await page.goto(`${origin}/cors-check.html`);
        const result = await page.evaluate(
          async ({ url, auth }) => {
            try {
              const res = await fetch(url, { headers: { authorization: auth } });
              return { ok: true as const, status: res.status, requestId: res.headers.get('x-request-id') };
            } catch (err) {
              return { ok: false as const, error: String(err) };
            }
          },
          { url: ctx.url('/api/v4/stats'), auth: `Bearer ${token}` },
        );
        return result.ok ? result : { ...result, console: messages };
      } finally {
        await context.close();
      }
    }

    it('a page on cors.allowedOrigin calls a protected operation with fetch and reads X-Request-ID', async () => {
      const origin = ctx.target.cors!.allowedOrigin.replace(/\/$/, '');
      const result = await fetchFrom(origin);
      expect(result.ok && result.status, `fetch of GET ${ctx.url('/api/v4/stats')} from a page on ${origin}: ${JSON.stringify(result)}`).toBe(200);
      expect(result.ok && result.requestId, 'X-Request-ID readable by the page (Access-Control-Expose-Headers)').toMatch(/\S/);
    });

    it('a page on another origin is refused by the browser', async () => {
      const result = await fetchFrom(OTHER_ORIGIN);
      expect(result.ok, `fetch from a page on ${OTHER_ORIGIN} should be blocked by CORS, got ${JSON.stringify(result)}`).toBe(false);
      expect(!result.ok && result.console.join('\n'), 'the browser names CORS as the reason').toMatch(/CORS policy/);
    });
  });
});
