import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { onHttpError } from '../error/index.js';
import { exchange, type HttpEnv } from '../exchange/index.js';
import { cors } from './index.js';

const ALLOWED = 'http://localhost:5173';
const app = new Hono<HttpEnv>();
app.use(exchange(), cors({ origins: [ALLOWED], methods: ['GET', 'POST'], allowHeaders: ['Authorization', 'X-Request-ID'] }));
app.onError(onHttpError());
app.get('/', (c) => c.text('ok'));
const preflight = (origin: string) => app.request('/', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });

describe('cors', () => {
  it('lets the allowed origin read the response and its request id', async () => {
    const res = await app.request('/', { headers: { origin: ALLOWED } });
    expect(Object.fromEntries(res.headers)).toMatchObject({ 'access-control-allow-origin': ALLOWED, 'access-control-expose-headers': 'X-Request-ID, X-Process-Time', vary: 'Origin' });
  });

  it('gives another origin no CORS headers', async () => {
    const res = await app.request('/', { headers: { origin: 'https://evil.example' } });
    expect([res.status, res.headers.get('access-control-allow-origin')]).toEqual([200, null]);
  });

  it('answers a preflight of the allowed origin with 204 and the allowances', async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({ 'access-control-allow-origin': ALLOWED, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'Authorization, X-Request-ID', 'access-control-max-age': '600' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a preflight of another origin with the 403 envelope', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', request_id: res.headers.get('x-request-id') } });
  });
});
