import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Debian's Chromium; Playwright's own browser download is not available here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const entry = fileURLToPath(new URL('../../packages/api-client/src/index.ts', import.meta.url));

describe.skipIf(!existsSync(CHROMIUM))(`@cleanapp/api-client in Chromium (skipped: no browser at ${CHROMIUM})`, () => {
  let stack: RunningStack;
  let page: Server;
  let origin: string;
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    // platform 'browser': esbuild refuses Node built-ins, so a successful bundle is itself the first proof.
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
    bundle = out.outputFiles[0]!.text;
    page = createServer((req, res) => {
      if (req.url === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(bundle);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>consumer</title><script type="module">import * as client from "/client.js"; window.client = client; window.ready = true;</script>');
      }
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    stack = await startStack({ corsOrigins: [origin] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
  });

  it('bundles without Node built-ins and talks to the API from a page, across origins', async () => {
    const token = await stack.token();

    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(origin);
    await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const result = await tab.evaluate(
      async ({ baseUrl, token, sourceId }) => {
        type Client = typeof import('@cleanapp/api-client');
        const { createApiClient, unwrap } = (window as unknown as { client: Client }).client;
        const api = createApiClient({ baseUrl, token });
        const submitted = await api.POST('/api/v4/reports', { body: { source_id: sourceId, latitude: 52.52, longitude: 13.405, title: 'from a browser', synthetic: true } });
        const health = unwrap(await api.GET('/api/v4/health'));
        const missing = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_AAAAAAAAAAAA' } } });
        return {
          status: submitted.response.status,
          lane: submitted.data?.lane,
          requestId: submitted.response.headers.get('x-request-id'),
          health: health.status,
          missing: missing.error?.error.code,
          userAgent: navigator.userAgent,
        };
      },
      { baseUrl: stack.target.rest.baseUrl, token, sourceId: `browser-${stack.id}` },
    );
    await context.close();
    expect(result).toMatchObject({ status: 202, lane: 'publish', health: 'ok', missing: 'not_found' });
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/); // readable cross-origin: exposed by CORS
    expect(result.userAgent).toContain('Chrome');
  });
});
