import { expectContract, isProduction, pinProblems, recordingFetch, suiteContext, targetServices, type ServiceEndpoint } from '@cleanapp/smoke-kit';
import type { components } from '@cleanapp/api-client';
import { describe, expect, it } from 'vitest';

// The platform standard on every service of the target: /healthz, /version, X-Request-ID, X-Process-Time.
const ctx = suiteContext();
const services = targetServices(ctx.target);
const fetch = recordingFetch();

async function get(service: ServiceEndpoint, path: string, requestId: string | false = `smoke-${ctx.runId}-${service.name}`) {
  const started = performance.now();
  const response = await fetch(`${service.baseUrl}${path}`, requestId === false ? {} : { headers: { 'x-request-id': requestId } });
  return { response, roundTripMs: performance.now() - started };
}

describe.each(services.map((s) => [s.name, s] as const))('service %s', (_name, service) => {
  it(`GET ${service.healthPath} answers 200 per the contract within ${service.budgetMs} ms`, async () => {
    const { response, roundTripMs } = await get(service, service.healthPath);
    await expectContract('getHealthz', response, { status: 200 });
    expect(roundTripMs, `GET ${service.baseUrl}${service.healthPath} took ${Math.round(roundTripMs)} ms, budget ${service.budgetMs} ms`).toBeLessThanOrEqual(service.budgetMs);
  });

  it(`GET ${service.versionPath} has the contract shape and is the pinned build`, async () => {
    const { response } = await get(service, service.versionPath);
    const body = (await expectContract('getVersion', response, { status: 200 })).body as components['schemas']['Version'];
    expect(pinProblems(service, body).join('; '), `${service.baseUrl}${service.versionPath} is not the pinned build`).toBe('');
    // Staging may run open (the summary's versions table flags it); production never.
    if (isProduction(ctx.target)) expect(body.auth_required, `${service.name} accepts requests without a token in production (auth_required: false)`).toBe(true);
  });

  it('echoes the X-Request-ID sent and generates a fresh one when none is sent', async () => {
    const sent = `smoke-${ctx.runId}-echo-${service.name}`;
    expect((await get(service, service.healthPath, sent)).response.headers.get('x-request-id'), 'X-Request-ID echoed').toBe(sent);
    const [first, second] = await Promise.all([get(service, service.healthPath, false), get(service, service.healthPath, false)]);
    const ids = [first.response.headers.get('x-request-id'), second.response.headers.get('x-request-id')];
    expect(ids[0], 'a generated X-Request-ID').toMatch(/^[\x21-\x7E]{1,128}$/);
    expect(ids[1], 'a fresh X-Request-ID per request').not.toBe(ids[0]);
  });

  it('X-Process-Time is a number of ms ≥ 0 no larger than the measured round trip, on every answer', async () => {
    for (const path of [service.healthPath, service.versionPath, '/no-such-path-smoke']) {
      const { response, roundTripMs } = await get(service, path);
      const header = response.headers.get('x-process-time');
      expect(header, `GET ${service.baseUrl}${path} (${response.status}) has no X-Process-Time header`).not.toBeNull();
      expect(header!, `X-Process-Time of GET ${path}`).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(header), `X-Process-Time ${header} of GET ${path} exceeds the round trip of ${roundTripMs.toFixed(2)} ms`).toBeLessThanOrEqual(roundTripMs);
    }
  });
});
