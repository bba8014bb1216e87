import { diff, formatResult } from '@cleanapp/contract-diff';
import { loadOpenApi } from '@cleanapp/contracts';
import { expectContract, suiteContext } from '@cleanapp/smoke-kit';
import { describe, expect, it } from 'vitest';

const ctx = suiteContext();

describe('contracts', () => {
  it('the served /api/v4/openapi.json does not drift from the canonical contract (no breaking or warning change)', async () => {
    const { body: served } = await expectContract('getOpenApiDocument', await ctx.anonymous.GET('/api/v4/openapi.json'), { status: 200 });
    const canonical = loadOpenApi();
    // Canonical → served, read as "what a client built from the canonical contract meets in this deployment".
    const result = await diff(canonical, served);
    const drift = result.changes.filter((c) => c.level !== 'info');
    // The drift report goes into the failure message (and from there into JUnit/HTML).
    expect(drift, `drift between the canonical contract and ${ctx.url('/api/v4/openapi.json')}:\n${formatResult({ ...result, changes: drift }, 'text')}`).toEqual([]);
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
      const res = await ctx.fetch('/api/v4/health', { headers: { origin: 'https://not-allowed.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
