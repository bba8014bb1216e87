import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { beginExchange, exchange, exchangeHeaders, type HttpEnv } from './index.js';

describe('exchange', () => {
  it('keeps a valid client request id and names it in the common headers', () => {
    const ex = beginExchange((name) => (name === 'x-request-id' ? 'rid-1' : undefined));
    expect(exchangeHeaders(ex)).toEqual({ 'X-Request-ID': 'rid-1', 'X-Process-Time': expect.stringMatching(/^\d+\.\d{2}$/) });
  });

  it('measures X-Process-Time from the start of the exchange, in milliseconds', () => {
    const ex = { requestId: 'r', startedAt: performance.now() - 1234.5 };
    expect(Number(exchangeHeaders(ex)['X-Process-Time'])).toBeGreaterThanOrEqual(1234.5);
    // A clock that seems to run backwards never yields a negative time.
    expect(exchangeHeaders({ requestId: 'r', startedAt: performance.now() + 10_000 })['X-Process-Time']).toBe('0.00');
  });

  it('stamps the common headers on responses, thrown errors included', async () => {
    const app = new Hono<HttpEnv>();
    app.use(exchange());
    app.onError((_e, c) => c.text('failed', 500));
    app.get('/ok', (c) => c.text(c.get('exchange').requestId));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const ok = await app.request('/ok', { headers: { 'x-request-id': 'rid-2' } });
    expect([ok.headers.get('x-request-id'), await ok.text()]).toEqual(['rid-2', 'rid-2']);
    expect(Number(ok.headers.get('x-process-time'))).toBeGreaterThanOrEqual(0);
    const boom = await app.request('/boom', { headers: { 'x-request-id': 'bad id' } });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(boom.headers.get('x-process-time')).toMatch(/^\d+\.\d{2}$/);
  });
});
