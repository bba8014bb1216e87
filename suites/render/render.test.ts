import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath, expectContract, sharedChromium, suiteContext, waitWithin } from '@cleanapp/smoke-kit';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();
const CHROMIUM = chromiumPath();
const evidence = join(process.env.CLEANAPP_REPORT_DIR ?? '.', 'render');

let publicId: string;
beforeAll(async () => {
  const res = await ctx.api('report:submit').POST('/api/v4/reports', {
    body: { source_id: ctx.sourceId('render'), latitude: 41.39, longitude: 2.17, title: 'Graffiti on the station wall', description: 'fresh spray paint', synthetic: true },
  });
  publicId = (await expectContract('submitReport', res, { status: 202 })).body.public_id;
  // Rendered asynchronously: wait for the card, then check it.
  await waitWithin(ctx.target, 'renderMs', `the card of ${publicId} rendered`, async () => {
    const r = await ctx.fetch(`/api/v4/reports/${publicId}/card.svg`, { requestId: false });
    if (r.status !== 200) throw new Error(`GET /api/v4/reports/${publicId}/card.svg answered ${r.status}`);
  });
});

describe('render', () => {
  it('GET /api/v4/reports/{public_id}/card.svg is an SVG image served as image/svg+xml', async () => {
    const res = await ctx.fetch(`/api/v4/reports/${publicId}/card.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type'), 'content type of the card').toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const svg = await res.text();
    expect(svg).toMatch(/^<svg[\s>]/);
    expect(svg).toContain('Graffiti on the station wall');
  });

  it('GET /r/{public_id} gives link previews absolute og:url and og:image, and og:image is the card', async () => {
    const res = await ctx.fetch(`/r/${publicId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // Crawlers (Slack, Facebook, …) do not resolve relative Open Graph URLs: they must parse on their own.
    const og = (property: string) => {
      const tag = html.match(/<meta\b[^>]*>/gi)?.find((t) => new RegExp(`property=["']og:${property}["']`).test(t));
      const content = tag && /content=["']([^"']*)["']/.exec(tag)?.[1]?.replace(/&amp;/g, '&');
      expect(content, `og:${property} on ${ctx.url(`/r/${publicId}`)}`).toBeTruthy();
      expect(URL.canParse(content!) && /^https?:$/.test(new URL(content!).protocol), `og:${property} "${content}" is an absolute http(s) URL`).toBe(true);
      return new URL(content!);
    };
    expect(og('url').pathname).toMatch(new RegExp(`/r/${publicId}$`));
    const card = await fetch(og('image'));
    expect(card.status, `GET og:image ${og('image').href}`).toBe(200);
    expect(card.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await card.text()).toContain('Graffiti on the station wall');
  });

  describe.skipIf(!existsSync(CHROMIUM))(existsSync(CHROMIUM) ? 'the public page in Chromium' : `the public page in Chromium (skipped: no browser at ${CHROMIUM})`, () => {
    let browser: Browser;
    beforeAll(async () => {
      // The run's one Chromium when the runner started it (it closes it), else a browser of this file's own.
      const shared = sharedChromium();
      browser = shared ? await chromium.connectOverCDP(shared) : await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    });
    afterAll(async () => browser?.close());

    it('GET /r/{public_id} shows the report and its card (screenshot kept; trace kept on failure)', async () => {
      mkdirSync(evidence, { recursive: true });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.tracing.start({ screenshots: true, snapshots: true });
      const page = await context.newPage();
      let passed = false;
      try {
        const response = await page.goto(ctx.url(`/r/${publicId}`));
        expect(response?.status()).toBe(200);
        await expect.poll(() => page.locator('h1').textContent()).toBe('Graffiti on the station wall');
        expect(await page.locator('main').getAttribute('data-public-id')).toBe(publicId);
        const card = page.locator('img');
        await card.waitFor();
        // The card image actually loaded (naturalWidth > 0), i.e. the page and the card agree.
        expect(await card.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
        await page.screenshot({ path: join(evidence, `${publicId}.png`), fullPage: true });
        passed = true;
      } finally {
        await context.tracing.stop(passed ? {} : { path: join(evidence, `${publicId}-trace.zip`) });
        await context.close();
      }
    });
  });
});
