// A browser app signs a user in against the reference stack with authorization code + PKCE (issue 17): a page
// served over plain http on a non-localhost origin (not a secure context: no crypto.subtle, no randomUUID)
// uses @cleanapp/api-client's PKCE helper, the user signs in on the issuer's form in Debian Chromium, and
// the page calls the API with the user's token, reads back its own quarantined report and refreshes.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// app.test resolves to the page server's loopback address: a plain-http origin that is not localhost, so
// the page is no secure context (localhost and 127.0.0.1 would count as one).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP app.test 127.0.0.1'];
const entry = fileURLToPath(new URL('../../packages/api-client/src/index.ts', import.meta.url));
const CLIENT_ID = 'cleanapp-web';
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

// The app: one page for `/` and `/callback`. It keeps the pending sign-in in sessionStorage, which survives
// the round trip through the issuer's login page.
const APP_PAGE = `<!doctype html><title>pkce app</title><button id="sign-in">Sign in</button>
<script type="module">
import * as client from '/client.js';
const config = await (await fetch('/config.json')).json();
const auth = client.createPkceAuth({
  authorizationUrl: config.authorizationUrl,
  tokenUrl: config.tokenUrl,
  clientId: config.clientId,
  redirectUri: location.origin + '/callback',
  scope: 'report:submit report:read',
  storage: sessionStorage,
  // The helper's clock, which the test moves forward to just before the access token expires.
  now: () => Date.now() + (window.clockSkewMs ?? 0),
});
window.app = { client, auth, config };
document.getElementById('sign-in').onclick = async () => location.assign(await auth.authorizationRequestUrl());
if (location.pathname === '/callback') {
  try {
    await auth.handleCallback(location.href);
    window.callback = { ok: true };
  } catch (error) {
    window.callback = { ok: false, message: error.message, oauthError: error.oauthError };
  }
  history.replaceState(null, '', '/'); // the code leaves the address bar
}
window.ready = true;
</script>`;

interface AppWindow {
  ready?: boolean;
  callback?: { ok: boolean; message?: string; oauthError?: string };
  clockSkewMs?: number;
  app: { client: typeof import('@cleanapp/api-client'); auth: import('@cleanapp/api-client').PkceAuth; config: { apiUrl: string } };
}

describe.skipIf(!existsSync(CHROMIUM))(`PKCE sign-in from a plain-http page in Chromium (skipped: no browser at ${CHROMIUM})`, () => {
  let stack: RunningStack;
  let pageServer: Server;
  let origin: string;
  let browser: Browser;
  let bundle: string;
  const config: Record<string, string> = {};

  beforeAll(async () => {
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
    bundle = out.outputFiles[0]!.text;
    pageServer = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://app.test').pathname;
      if (path === '/client.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(bundle);
      } else if (path === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(config));
      } else if (path === '/' || path === '/callback') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(APP_PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
    origin = `http://app.test:${(pageServer.address() as AddressInfo).port}`;
    // The stack's default public client cleanapp-web has <origin>/callback as its redirect URI, and the
    // token endpoint and API answer this origin (CORS).
    stack = await startStack({ corsOrigins: [origin] });
    Object.assign(config, { apiUrl: stack.target.rest.baseUrl, authorizationUrl: stack.login.authorizationUrl, tokenUrl: stack.login.tokenUrl, clientId: CLIENT_ID });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()));
  });

  const user = () => stack.login.users[0]!;

  /** Opens the app, checks it is no secure context, and follows its sign-in button to the issuer's form. */
  async function toLoginForm(tab: Page) {
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => (window as unknown as AppWindow).ready === true);
    const context = await tab.evaluate(() => ({ secure: isSecureContext, subtle: typeof crypto.subtle, randomUUID: typeof crypto.randomUUID, origin: location.origin }));
    expect(context).toEqual({ secure: false, subtle: 'undefined', randomUUID: 'undefined', origin });
    await Promise.all([tab.waitForURL((url) => url.href.startsWith(stack.login.authorizationUrl)), tab.click('#sign-in')]);
    const request = new URL(tab.url()).searchParams;
    expect(Object.fromEntries(['client_id', 'redirect_uri', 'code_challenge_method', 'response_type'].map((k) => [k, request.get(k)]))).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: `${origin}/callback`,
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    expect(request.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }

  async function callbackResult(tab: Page) {
    await tab.waitForFunction(() => (window as unknown as AppWindow).callback !== undefined, undefined, { timeout: 30_000 });
    return tab.evaluate(() => ({ ...(window as unknown as AppWindow).callback!, url: location.href }));
  }

  it('signs the user in, calls the API as the user, reads back their quarantined report and refreshes the token before it expires', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await toLoginForm(tab);

    // A wrong password shows the form again, with an error and no redirect.
    await tab.fill('#username', user().username);
    await tab.fill('#password', 'not-the-password');
    await tab.click('button[value=allow]');
    await expect(tab.textContent('[role=alert]')).resolves.toBe('Wrong username or password.');
    expect(tab.url().startsWith(stack.login.authorizationUrl)).toBe(true);

    await tab.fill('#password', user().password);
    await tab.click('button[value=allow]');
    expect(await callbackResult(tab)).toEqual({ ok: true, url: `${origin}/` });

    const result = await tab.evaluate(
      async ({ sourceId }) => {
        const { client, auth, config } = (window as unknown as AppWindow).app;
        const api = client.createApiClient({ baseUrl: config.apiUrl, token: auth.token });
        const stored = () => JSON.parse(sessionStorage.getItem('cleanapp.oauth.cleanapp-web.tokens') ?? '{}') as { accessToken?: string; refreshToken?: string };
        const before = stored();
        const submitted = client.unwrap(
          await api.POST('/api/v4/reports', { body: { source_id: sourceId, latitude: 52.52, longitude: 13.405, title: 'signed in with PKCE', lane: 'quarantine', synthetic: true } }),
        );
        // Quarantined: the policy shows it to its submitter only, i.e. to this user's token.
        const own = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: submitted.public_id } } });
        const unchanged = stored();
        // 14 min 40 s later (the token lives 15 min): the next call refreshes first, with the refresh token.
        (window as unknown as AppWindow).clockSkewMs = 880_000;
        const again = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: submitted.public_id } } });
        const after = stored();
        const refreshed = await auth.token();
        return {
          submitted: { status: 202, lane: submitted.lane, publicId: submitted.public_id },
          own: { status: own.response.status, title: own.data?.title },
          again: { status: again.response.status, title: again.data?.title },
          tokens: { before, unchanged, after, refreshed },
        };
      },
      { sourceId: `pkce-${stack.id}` },
    );
    await context.close();

    expect(result.submitted.lane).toBe('quarantine');
    expect(result.own).toEqual({ status: 200, title: 'signed in with PKCE' });
    expect(result.again).toEqual({ status: 200, title: 'signed in with PKCE' });
    const { before, unchanged, after, refreshed } = result.tokens;
    expect(unchanged).toEqual(before); // a fresh token is reused, not refreshed on every call
    // The user's token: sub names the user, the public client is client_id, no admin.
    const claims = claimsOf(before.accessToken!);
    expect(claims).toMatchObject({ sub: `user:${user().username}`, client_id: CLIENT_ID, aud: 'cleanapp-api' });
    expect(String(claims.scope).split(' ').sort()).toEqual(['report:read', 'report:submit']);
    // Refreshed before expiry, rotating both tokens; the page keeps and uses the new pair.
    expect(after.accessToken).toBe(refreshed);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBeDefined();
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // The used refresh token is spent: presenting it again is refused and ends the session it belonged to.
    const reuse = (refreshToken: string) =>
      fetch(stack.login.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID }) });
    expect((await (await reuse(before.refreshToken!)).json()).error).toBe('invalid_grant');
    expect((await (await reuse(after.refreshToken!)).json()).error_description).toBe('refresh token revoked');

    // A service's token (another principal, even with admin) does not see the user's quarantined report.
    const other = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports/${result.submitted.publicId}`, { headers: { authorization: `Bearer ${await stack.token()}` } });
    expect(other.status).toBe(404);
  }, 90_000);

  it('reports a cancelled sign-in to the page as access_denied, with no tokens', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await toLoginForm(tab);
    await tab.click('button[value=deny]');
    const result = await callbackResult(tab);
    expect(result).toMatchObject({ ok: false, oauthError: 'access_denied' });
    expect(await tab.evaluate(() => (window as unknown as AppWindow).app.auth.isSignedIn())).toBe(false);
    await context.close();
  }, 60_000);
});
