// (2) A client from @cleanapp/api-client gets typed data through the handlers; overrides (status + body),
// X-Request-ID echo/generation, requireAuth, media types, and unhandled requests.
import { createApiClient } from '@cleanapp/api-client';
import { OpenApiValidator } from '@cleanapp/contracts';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createHandlers, exampleBody, mockOperation } from './handlers.js';
import { requestExamples, responseExamples } from './generated/fixtures.js';
import { BASE_URL } from './test-helpers.js';

const validator = new OpenApiValidator();
const server = setupServer(...createHandlers({ baseUrl: BASE_URL }));
// Created before listen(): createApiClient resolves fetch at call time.
const api = createApiClient({ baseUrl: BASE_URL, token: 'test-token' });
const publicId = requestExamples.getReport.path.public_id;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('typed data through the handlers', () => {
  it('getReport answers the contract example, typed', async () => {
    const { data, error, response } = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: publicId } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expectTypeOf(data!.status).toEqualTypeOf<'accepted' | 'queued' | 'analysed' | 'rendered' | 'failed'>();
    expect(data).toEqual(responseExamples.getReport[200].body);
  });

  it('submitReport with the contract example request gets the 202 receipt', async () => {
    const { data, response } = await api.POST('/api/v4/reports', { body: requestExamples.submitReport.bodies.publish });
    expect(response.status).toBe(202);
    expect(data?.receipt_id).toBe(responseExamples.submitReport[202].body.receipt_id);
    expect(data?.idempotency_replay).toBe(false);
  });

  it('serves the SVG card and the HTML page with their media types', async () => {
    const card = await api.GET('/api/v4/reports/{public_id}/card.svg', { params: { path: { public_id: publicId } }, parseAs: 'text' });
    expect(card.response.headers.get('content-type')).toBe('image/svg+xml');
    expect(card.data).toBe(responseExamples.getReportCard[200].body);
    const page = await api.GET('/r/{public_id}', { params: { path: { public_id: publicId } }, parseAs: 'text' });
    expect(page.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.data).toContain('<h1>Overflowing bin</h1>');
    expect(validator.validateResponse('getReportPage', 200, page.data, page.response.headers.get('content-type')!)).toEqual([]);
  });
});

describe('X-Request-ID', () => {
  it('is echoed when the client sends one', async () => {
    const client = createApiClient({ baseUrl: BASE_URL, requestId: () => 'client-chosen-id-1' });
    const { response } = await client.GET('/api/v4/health');
    expect(response.headers.get('x-request-id')).toBe('client-chosen-id-1');
  });

  it('is generated when the request has none (or an invalid one)', async () => {
    const plain = await fetch(`${BASE_URL}/version`);
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await fetch(`${BASE_URL}/version`, { headers: { 'x-request-id': 'has space' } });
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('overrides', () => {
  it('createHandlers({ overrides }) answers the status with its contract example and this request id', async () => {
    server.use(...createHandlers({ baseUrl: BASE_URL, overrides: { getReport: ({ params }) => (params.public_id === publicId ? { status: 404 } : undefined) } }));
    const { data, error, response } = await api.GET('/api/v4/reports/{public_id}', {
      params: { path: { public_id: publicId }, header: { 'X-Request-ID': 'override-404' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error).toEqual({ ...responseExamples.getReport[404].body.error, request_id: 'override-404' });
    // Another id falls through to the default (the success example).
    const other = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_000000000000' } } });
    expect(other.response.status).toBe(200);
  });

  it("mockOperation('submitReport', { status: 409 }) answers the contract's 409 error envelope", async () => {
    server.use(mockOperation('submitReport', { status: 409 }, { baseUrl: BASE_URL }));
    const { error, response } = await api.POST('/api/v4/reports', { body: requestExamples.submitReport.bodies.publish });
    expect(response.status).toBe(409);
    expect(error?.error.code).toBe('conflict');
    expect(error?.error.request_id).toBe(response.headers.get('x-request-id'));
    expect(validator.validateResponse('submitReport', 409, error, 'application/json')).toEqual([]);
  });

  it('an override body is typed per operation and status and is answered as given', async () => {
    server.use(
      mockOperation(
        'getReport',
        ({ params, example }) => ({ status: 200, body: { ...example(200), public_id: params.public_id, status: 'rendered', title: 'Overridden' } }),
        { baseUrl: BASE_URL },
      ),
    );
    const { data } = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_AAAAAAAAAAAA' } } });
    expect(data).toMatchObject({ public_id: 'rpt_AAAAAAAAAAAA', status: 'rendered', title: 'Overridden' });
    expect(validator.validateResponse('getReport', 200, data, 'application/json')).toEqual([]);
  });

  it('an override sees the typed request body', async () => {
    const seen = vi.fn();
    server.use(
      mockOperation(
        'submitReport',
        ({ body, example }) => {
          seen(body?.source_id);
          return { status: 202, body: { ...example(202), lane: body?.lane ?? 'publish' } };
        },
        { baseUrl: BASE_URL },
      ),
    );
    const { data } = await api.POST('/api/v4/reports', { body: requestExamples.submitReport.bodies.quarantine });
    expect(seen).toHaveBeenCalledWith('fetcher-7:2026-11-22:0001');
    expect(data?.lane).toBe('quarantine');
  });

  it('overrides are typed from the contract', () => {
    // @ts-expect-error 418 is not a status the contract declares for getReport
    mockOperation('getReport', { status: 418 });
    // @ts-expect-error the 200 body of getReport is a Report, not a receipt
    mockOperation('getReport', { status: 200, body: responseExamples.submitReport[202].body });
    // @ts-expect-error a 404 body is the error envelope
    mockOperation('getReport', { status: 404, body: { message: 'nope' } });
    // @ts-expect-error unknown operation
    createHandlers({ overrides: { getReports: { status: 200 } } });
    expectTypeOf(exampleBody('getStats', 200).reports_total).toEqualTypeOf<number>();
  });

  it('a function may return a raw Response (e.g. to test a client against a broken server)', async () => {
    server.use(mockOperation('getHealth', () => new Response('oops', { status: 500 }), { baseUrl: BASE_URL }));
    const response = await fetch(`${BASE_URL}/api/v4/health`, { headers: { 'x-request-id': 'raw-1' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('raw-1');
  });
});

describe('requireAuth', () => {
  it('answers the 401 example without a bearer token, the success example with one; public operations stay open', async () => {
    server.use(...createHandlers({ baseUrl: BASE_URL, requireAuth: true }));
    const anonymous = createApiClient({ baseUrl: BASE_URL });
    const denied = await anonymous.POST('/api/v4/reports', { body: requestExamples.submitReport.bodies.publish });
    expect(denied.response.status).toBe(401);
    expect(denied.error?.error.code).toBe('unauthorized');
    expect(denied.error?.error.request_id).toBe(denied.response.headers.get('x-request-id'));
    const health = await anonymous.GET('/api/v4/health');
    expect(health.response.status).toBe(200);
    const allowed = await api.POST('/api/v4/reports', { body: requestExamples.submitReport.bodies.publish });
    expect(allowed.response.status).toBe(202);
  });
});

describe('unhandled requests', () => {
  it('a request no handler matches errors (onUnhandledRequest: error)', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(fetch(`${BASE_URL}/api/v4/not-in-the-contract`)).rejects.toThrow();
      await expect(fetch('http://other-origin.test/api/v4/health')).rejects.toThrow();
    } finally {
      spy.mockRestore();
    }
  });
});
