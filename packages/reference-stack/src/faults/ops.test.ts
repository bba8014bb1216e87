import { describe, expect, it } from 'vitest';
import { parseFaults } from '../faults.js';
import { platformApp } from '../http/ops/index.js';
import { serviceOps, runtimeOf } from '../ops.js';
import { withOpsFaults } from './ops.js';

const app = (service: string) => platformApp(serviceOps(service, runtimeOf({}), {}, {}));
const get = (a: { fetch(r: Request): Response | Promise<Response> }, path: string) => a.fetch(new Request(`http://svc${path}`));

describe('platform-standard faults', () => {
  it('leave an app alone for faults of other services or kinds', () => {
    const renderer = app('renderer');
    expect(withOpsFaults('renderer', renderer, parseFaults('no-pong,analyzer-version-skew'))).toBe(renderer);
  });

  it('renderer-no-healthz: only the renderer loses /healthz (the 404 envelope), its /version stays', async () => {
    const faulty = withOpsFaults('renderer', app('renderer'), parseFaults('renderer-no-healthz'));
    expect((await get(faulty, '/healthz')).status).toBe(404);
    expect((await get(faulty, '/version')).status).toBe(200);
    expect((await get(withOpsFaults('analyzer', app('analyzer'), parseFaults('renderer-no-healthz')), '/healthz')).status).toBe(200);
  });

  it('analyzer-version-skew: the analyzer reports another git sha, the rest of its identity unchanged', async () => {
    const healthy = (await (await get(app('analyzer'), '/version')).json()) as Record<string, unknown>;
    const skewed = (await (await get(withOpsFaults('analyzer', app('analyzer'), parseFaults('analyzer-version-skew')), '/version')).json()) as Record<string, unknown>;
    expect(skewed.git_sha).not.toBe(healthy.git_sha);
    expect({ ...skewed, git_sha: healthy.git_sha }).toEqual(healthy);
  });

  it('renderer-no-process-time: the renderer answers without X-Process-Time, X-Request-ID kept', async () => {
    const res = await get(withOpsFaults('renderer', app('renderer'), parseFaults('renderer-no-process-time')), '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-process-time')).toBeNull();
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
