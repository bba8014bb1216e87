import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { exchange, type HttpEnv } from '../exchange/index.js';
import { errorResponse, HttpError, onHttpError } from './index.js';

describe('errorResponse', () => {
  it('writes the envelope with the request id, the error headers and no-store', async () => {
    const res = errorResponse(new HttpError(405, 'method_not_allowed', 'no', [{ location: 'path', message: 'x' }], { allow: 'GET' }), { requestId: 'rid', startedAt: performance.now() });
    expect(res.status).toBe(405);
    expect(Object.fromEntries(res.headers)).toMatchObject({ allow: 'GET', 'cache-control': 'no-store', 'content-type': 'application/json', 'x-request-id': 'rid' });
    expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: 'no', details: [{ location: 'path', message: 'x' }], request_id: 'rid' } });
  });

  it('leaves out empty details and lets a surface spell its own body', async () => {
    expect(await errorResponse(new HttpError(404, 'not_found', 'gone', []), { requestId: 'r', startedAt: performance.now() }).json()).toEqual({ error: { code: 'not_found', message: 'gone', request_id: 'r' } });
    expect(await errorResponse(new HttpError(401, 'unauthorized', 'who'), { requestId: 'r', startedAt: performance.now() }, (e) => ({ errors: [e.message] })).json()).toEqual({ errors: ['who'] });
  });
});

describe('onHttpError', () => {
  const appWith = (error: unknown, log = vi.fn()) => {
    const app = new Hono<HttpEnv>();
    app.use(exchange());
    app.onError(onHttpError((e) => (e instanceof RangeError ? new HttpError(503, 'unavailable', 'down') : undefined), log));
    app.get('/', () => {
      throw error;
    });
    return { app, log };
  };

  it('answers an HttpError, a translated error and anything else (500, logged, nothing revealed)', async () => {
    expect((await appWith(new HttpError(418 as never, 'bad_request', 'teapot')).app.request('/')).status).toBe(418);
    expect((await appWith(new RangeError('pool')).app.request('/')).status).toBe(503);
    const { app, log } = appWith(new Error('secret-dsn'));
    const res = await app.request('/', { headers: { 'x-request-id': 'rid-500' } });
    expect([res.status, await res.json()]).toEqual([500, { error: { code: 'internal', message: 'Internal error', request_id: 'rid-500' } }]);
    expect(log).toHaveBeenCalledOnce();
  });
});
