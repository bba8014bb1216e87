import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { beginExchange, exchange, exchangeHeaders, type HttpEnv } from './index.js';

describe('exchange', () => {
  it('keeps a valid client request id and names it in the common headers', () => {
    const ex = beginExchange((name) => (name === 'x-request-id' ? 'rid-1' : undefined));
    expect(exchangeHeaders(ex)).toEqual({ 'X-Request-ID': 'rid-1' });
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
    const boom = await app.request('/boom', { headers: { 'x-request-id': 'bad id' } });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
