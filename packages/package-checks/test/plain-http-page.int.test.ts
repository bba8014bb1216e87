// A web page served over plain http on a non-localhost origin (a LAN dev server, an intranet page): not a
// secure context, so browsers hide crypto.randomUUID. The page is an esbuild bundle of @cleanapp/api-client and
// @cleanapp/graphql-client as published (unpacked from their tarballs); in Debian Chromium it makes a REST and
// a GraphQL request to the reference stack across origins (CORS). No npm install: about 20 s (the stack's
// start, the bundle, the browser).
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlJsMarker, measureBundle, unpackForBundling } from '../src/bundle-size.js';
import { packOnly } from '../src/consumer.js';
import { seedVisibleReport } from '../src/seed-report.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// app.test resolves to the page server's loopback address: a plain-http origin that is not localhost (which
// browsers would count as a secure context).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP app.test 127.0.0.1'];

// The page's code, as an app would write it.
const PAGE_SOURCE = `
import { createApiClient } from '@cleanapp/api-client';
import { createGraphqlClient, ReportByIdDocument } from '@cleanapp/graphql-client';

(async () => {
const config = await (await fetch('/config.json')).json();
const api = createApiClient({ baseUrl: config.apiUrl, token: () => config.token });
const gql = createGraphqlClient({ url: config.graphqlUrl, token: () => config.token });
try {
  const rest = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: config.publicId } } });
  const graphql = await gql.request(ReportByIdDocument, { publicId: config.publicId });
  window.result = {
    secure: isSecureContext,
    randomUUID: typeof crypto.randomUUID,
    rest: { status: rest.response.status, title: rest.data?.title, requestId: rest.response.headers.get('x-request-id') },
    graphql: { publicId: graphql.report?.publicId, title: graphql.report?.title },
  };
} catch (error) {
  window.result = { error: String(error && error.stack || error) };
}
})();
`;

interface PageResult {
  error?: string;
  secure: boolean;
  randomUUID: string;
  rest: { status: number; title?: string; requestId: string | null };
  graphql: { publicId?: string; title?: string };
}

describe.skipIf(!existsSync(CHROMIUM))(`the clients on a plain-http page in Chromium (skipped: no browser at ${CHROMIUM})`, () => {
  let stack: RunningStack;
  let pageServer: Server;
  let origin: string;
  let browser: Browser;
  let bundle: string;
  const config: Record<string, string> = {};
  const cleanup: string[] = [];

  beforeAll(async () => {
    const packed = await packOnly(['@cleanapp/api-client', '@cleanapp/graphql-client']);
    cleanup.push(packed[0]!.tarball.replace(/\/[^/]+$/, ''));
    const unpacked = unpackForBundling(packed);
    cleanup.push(unpacked.dir);
    bundle = (await measureBundle(PAGE_SOURCE, unpacked)).code;
    pageServer = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://app.test').pathname;
      const [type, body] =
        path === '/app.js' ? ['text/javascript', bundle] : path === '/config.json' ? ['application/json', JSON.stringify(config)] : ['text/html', '<!doctype html><title>reports</title><script type="module" src="/app.js"></script>'];
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
    origin = `http://app.test:${(pageServer.address() as AddressInfo).port}`;
    stack = await startStack({ corsOrigins: [origin] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()));
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it('the page bundle carries both clients and no graphql-js', () => {
    expect(bundle).toContain('/api/v4/reports/');
    expect(bundle).toMatch(/query ReportById/);
    expect(bundle).not.toMatch(graphqlJsMarker);
  });

  it('makes a REST and a GraphQL request to the stack from http://app.test (no secure context, no crypto.randomUUID)', async () => {
    const publicId = await seedVisibleReport(stack, { sourceId: `plain-http-${stack.id}`, latitude: 48.8566, longitude: 2.3522, title: 'seen on an intranet page' });
    Object.assign(config, { apiUrl: stack.target.rest.baseUrl, graphqlUrl: stack.target.graphql.url, token: await stack.token('report:read'), publicId });

    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(origin);
    await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    const result = await tab.evaluate(() => (window as unknown as { result: PageResult }).result);
    await context.close();

    expect(result.error).toBeUndefined();
    expect(tab.url()).toMatch(/^http:\/\/app\.test:\d+\/$/);
    expect([result.secure, result.randomUUID]).toEqual([false, 'undefined']);
    expect(result.rest).toEqual({ status: 200, title: 'seen on an intranet page', requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    expect(result.graphql).toEqual({ publicId, title: 'seen on an intranet page' });
  });
});
