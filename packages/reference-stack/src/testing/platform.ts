// Assertions of the platform standard every service keeps (/healthz, /version, exchange headers, the
// envelope for oversized requests); shared by the tests that start services in-process and as processes.
import { OpenApiValidator } from '@cleanapp/contracts';
import { expect } from 'vitest';

const validator = new OpenApiValidator();

/** The http:// base of a service URL (a ws:// hub, a gateway's /graphql endpoint). */
export const httpBase = (url: string): string => new URL(url.replace(/^ws/, 'http')).origin;

/** X-Request-ID (echoed when one was sent) and X-Process-Time (ms, a number ≥ 0) on a response. */
export function expectExchangeHeaders(headers: Headers, sentRequestId?: string): void {
  const requestId = headers.get('x-request-id');
  expect(requestId, 'X-Request-ID').toBeTruthy();
  if (sentRequestId) expect(requestId).toBe(sentRequestId);
  const time = headers.get('x-process-time');
  expect(time, 'X-Process-Time').toMatch(/^\d+(\.\d+)?$/);
  expect(Number(time)).toBeGreaterThanOrEqual(0);
}

/** GET /healthz (200, the contract's Healthz) and GET /version (the contract's Version) of one service. */
export async function expectOpsEndpoints(baseUrl: string, service: string, expected: { authRequired: boolean; runtimeMode: string; dependencies: string[] }): Promise<void> {
  const healthz = await fetch(`${baseUrl}/healthz`, { headers: { 'x-request-id': `healthz-${service}` } });
  const health = (await healthz.json()) as { service: string; dependencies: Record<string, { status: string }> };
  expect(healthz.status, `${service} /healthz: ${JSON.stringify(health)}`).toBe(200);
  expectExchangeHeaders(healthz.headers, `healthz-${service}`);
  expect(validator.validateResponse('getHealthz', 200, health)).toEqual([]);
  expect(health.service).toBe(service);
  expect(Object.keys(health.dependencies).sort()).toEqual([...expected.dependencies].sort());
  for (const state of Object.values(health.dependencies)) expect(state.status).toBe('up');

  const res = await fetch(`${baseUrl}/version`);
  expectExchangeHeaders(res.headers);
  const version = (await res.json()) as Record<string, unknown>;
  expect(res.status).toBe(200);
  expect(validator.validateResponse('getVersion', 200, version)).toEqual([]);
  expect(version).toMatchObject({ service, auth_required: expected.authRequired, runtime_mode: expected.runtimeMode });
}

/** Oversized headers → 431, oversized body → 413, both the envelope with the exchange headers. */
export async function expectOversizeEnvelopes(baseUrl: string, path = '/healthz'): Promise<void> {
  const headers = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${'a'.repeat(100_000)}` } });
  expect(headers.status).toBe(431);
  expectExchangeHeaders(headers.headers);
  expect(await headers.json()).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/^Request headers exceed \d+ bytes$/), request_id: headers.headers.get('x-request-id') } });

  const body = await fetch(`${baseUrl}${path}`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1), headers: { 'content-type': 'application/json', 'x-request-id': 'too-big' } });
  expect(body.status).toBe(413);
  expectExchangeHeaders(body.headers, 'too-big');
  expect(await body.json()).toEqual({ error: { code: 'payload_too_large', message: 'Request body exceeds 1048576 bytes', request_id: 'too-big' } });
}
