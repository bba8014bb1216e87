import { canonicalOpenApi, expectContract, suiteContext } from '@cleanapp/smoke-kit';
import { describe, expect, it } from 'vitest';

const ctx = suiteContext();

describe('health', () => {
  it('GET /api/v4/health answers 200 matching the contract with every dependency up', async () => {
    await expectContract('getHealth', await ctx.anonymous.GET('/api/v4/health'), {
      status: 200,
      check(health) {
        const down = Object.entries(health.dependencies).filter(([, dep]) => dep.status !== 'up');
        expect(down.map(([name, dep]) => `${name}: ${dep.status}${dep.error ? ` (${dep.error})` : ''}`), 'dependencies not up').toEqual([]);
        expect(health.status, 'health status').toBe('ok');
      },
    });
  });

  it('echoes the X-Request-ID the client sent', async () => {
    const sent = `smoke-${ctx.runId}-echo`;
    await expectContract('getHealth', await ctx.fetch('/api/v4/health', { requestId: sent }), {
      status: 200,
      check(_body, res) {
        expect(res.requestId).toBe(sent);
      },
    });
  });

  it('generates an X-Request-ID when the client sent none', async () => {
    const first = await expectContract('getHealth', await ctx.fetch('/api/v4/health', { requestId: false }), { status: 200 });
    const second = await expectContract('getHealth', await ctx.fetch('/api/v4/health', { requestId: false }), { status: 200 });
    expect(first.requestId, 'a generated X-Request-ID').toMatch(/^[\x21-\x7E]{1,128}$/);
    expect(second.requestId, 'a fresh X-Request-ID per request').not.toBe(first.requestId);
  });

  it('GET /version answers 200 with the service identity', async () => {
    await expectContract('getVersion', await ctx.anonymous.GET('/version'), {
      status: 200,
      check(version) {
        expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
        expect(Date.parse(version.build_time)).not.toBeNaN();
      },
    });
  });

  it('GET /api/v4/openapi.json serves an OpenAPI 3.1 document of the canonical contract version', async () => {
    const canonical = canonicalOpenApi();
    await expectContract('getOpenApiDocument', await ctx.anonymous.GET('/api/v4/openapi.json'), {
      status: 200,
      check(doc) {
        expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
        expect((doc.info as { version?: unknown }).version).toBe(canonical.info.version);
        const missing = Object.keys(canonical.paths).filter((p) => !(p in doc.paths));
        expect(missing, 'contract paths the served document lacks').toEqual([]);
      },
    });
  });
});
