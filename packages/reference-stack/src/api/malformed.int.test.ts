import { OpenApiValidator } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type RunningStack } from '../stack.js';

// Deterministic PRNG (mulberry32) so a failure names a reproducible case.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const validator = new OpenApiValidator();
const WEIRD_VALUES: unknown[] = [null, true, -1, 0, 1e308, -1e308, 3.5, '', ' ', 'x'.repeat(5000), '🙂'.repeat(300), [], [1, 'a', null], {}, { nested: { deep: [1] } }, '\u0000', '<script>', "'; drop table reports; --"];
const BAD_JSON = ['{', '{"a":', '[1,2', 'nul', '{"source_id": "x",}', '\uFEFF{"a":1}', 'NaN', '{"a":1}{"b":2}', '"just a string"', '12', '\u0000\u0001', '{"__proto__":{"x":1}}'];
const BAD_SEGMENTS = ['%', '%zz', '..', '%2e%2e', 'rpt_', 'rpt_!!!!!!!!!!!!', 'x'.repeat(3000), '%F0%9F%99%82', 'rpt_AAAAAAAAAAAA%00', '%2F'];
const BAD_AUTH = ['Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer ' + 'A'.repeat(9000), 'bearer x y z', 'Token abc', '💥'];

function fillTemplate(path: string, rnd: () => number): string {
  return path.replace(/\{[^}]+\}/g, () => BAD_SEGMENTS[Math.floor(rnd() * BAD_SEGMENTS.length)]!);
}

function generateCases(token: string, count: number): Case[] {
  const rnd = prng(20261122);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const cases: Case[] = [];
  const ops = validator.operations;
  const auth = { authorization: `Bearer ${token}` };
  const valid = { source_id: 'fuzz-1', latitude: 1, longitude: 2 };
  while (cases.length < count) {
    const op = pick(ops);
    const path = op.path.includes('{') ? op.path.replace(/\{[^}]+\}/g, 'rpt_AAAAAAAAAAAA') : op.path;
    const kind = Math.floor(rnd() * 8);
    const n = cases.length;
    switch (kind) {
      case 0: // a body field of the wrong type or out of range
        cases.push({ name: `${n}:wrong-field`, method: 'POST', path: '/api/v4/reports', headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ ...valid, source_id: `fuzz-${n}`, [pick(['source_id', 'latitude', 'longitude', 'lane', 'title', 'tags', 'reported_at', 'synthetic', 'description'])]: pick(WEIRD_VALUES) }) });
        break;
      case 1: // required fields missing, extra fields, or not an object at all
        cases.push({ name: `${n}:shape`, method: 'POST', path: '/api/v4/reports', headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(pick([{}, { latitude: 1 }, { ...valid, extra: 1 }, [valid], 'report', 42, null])) });
        break;
      case 2: // not JSON at all
        cases.push({ name: `${n}:bad-json`, method: op.requestBody ? op.method : 'POST', path: op.requestBody ? path : '/api/v4/reports', headers: { ...auth, 'content-type': 'application/json' }, body: pick(BAD_JSON) });
        break;
      case 3: // huge bodies (over the 1 MiB limit) and binary noise
        cases.push({ name: `${n}:huge`, method: 'POST', path: '/api/v4/reports', headers: { ...auth, 'content-type': pick(['application/json', 'application/octet-stream']) },
          body: rnd() < 0.5 ? `{"source_id":"${'x'.repeat(1_100_000)}"}` : new Uint8Array(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256))) });
        break;
      case 4: // bad path parameters
        cases.push({ name: `${n}:bad-param`, method: op.method, path: fillTemplate(op.path.includes('{') ? op.path : '/api/v4/reports/{public_id}', rnd), headers: auth });
        break;
      case 5: { // bad query parameters
        const q = pick(['latitude=north&longitude=1', 'latitude=1e999&longitude=0', 'latitude=1&longitude=2&limit=0', 'latitude=1&longitude=2&limit=abc', 'latitude=1&longitude=2&cursor=%%%', 'latitude=1&longitude=2&radius_m=-5', 'limit=99999', 'min_latitude=1', 'source_id_prefix=' + '%F0'.repeat(50), 'latitude=&longitude=']);
        cases.push({ name: `${n}:bad-query`, method: 'GET', path: `${pick(['/api/v4/reports/near', '/api/v4/reports/points', '/api/v4/admin/reports/synthetic'])}?${q}`, headers: auth });
        break;
      }
      case 6: // bad or missing credentials on every operation
        cases.push({ name: `${n}:bad-token`, method: op.method, path, headers: { authorization: pick(BAD_AUTH), 'content-type': 'application/json' }, ...(op.requestBody ? { body: JSON.stringify(valid) } : {}) });
        break;
      default: // wrong methods, content types and request ids
        cases.push({ name: `${n}:misc`, method: pick(['PUT', 'PATCH', 'DELETE', 'GET', 'POST', 'HEAD']), path, headers: { ...auth, 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data', '']), 'x-request-id': pick(['ok-id', 'has space', 'x'.repeat(500), '\t']) }, ...(rnd() < 0.5 ? { body: 'a=b' } : {}) });
    }
  }
  return cases;
}

let stack: RunningStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

describe('malformed requests', () => {
  it('1,200 generated malformed requests across every operation: no 5xx, every error is the envelope', async () => {
    const access_token = await stack.token();
    const cases = generateCases(access_token, 1200);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let transportRetries = 0;
    for (let i = 0; i < cases.length; i += 25) {
      await Promise.all(
        cases.slice(i, i + 25).map(async (c) => {
          let response: Response | undefined;
          for (let attempt = 1; !response; attempt++) {
            try {
              response = await fetch(`${stack.target.rest.baseUrl}${c.path}`, { method: c.method, headers: c.headers, ...(c.body !== undefined && c.method !== 'GET' && c.method !== 'HEAD' ? { body: c.body as BodyInit } : {}) });
            } catch (error) {
              const cause = String((error as Error & { cause?: unknown }).cause ?? (error as Error).message);
              // undici refuses to send some headers (e.g. a non-ASCII Authorization); that is not the server's doing.
              if (error instanceof TypeError && /header|ByteString/i.test(cause)) return;
              // A kept-alive socket the server closed just as the client reused it (a client-side race on a
              // loaded machine) is retried once; a server that really drops connections fails again.
              if (attempt === 1 && /ECONNRESET|socket|closed/i.test(cause)) {
                transportRetries++;
                continue;
              }
              failures.push(`${c.name} ${c.method} ${c.path.slice(0, 80)}: transport error ${(error as Error).message} (${cause})`);
              return;
            }
          }
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = c.method === 'HEAD' ? '' : await response.text();
          const requestId = response.headers.get('x-request-id');
          if (response.status >= 500) failures.push(`${c.name} ${c.method} ${c.path.slice(0, 80)} → ${response.status} ${text.slice(0, 200)}`);
          if (!requestId) failures.push(`${c.name}: no X-Request-ID`);
          if (response.status >= 400 && c.method !== 'HEAD') {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              failures.push(`${c.name} → ${response.status}: not JSON: ${text.slice(0, 120)}`);
              return;
            }
            const problems = validator.validateSchema('ErrorEnvelope', body);
            if (problems.length > 0) failures.push(`${c.name} → ${response.status}: not the envelope: ${JSON.stringify(problems)}`);
            else if ((body as { error: { request_id: string } }).error.request_id !== requestId) failures.push(`${c.name}: request_id differs from the header`);
          }
        }),
      );
    }
    expect(failures, failures.slice(0, 20).join('\n')).toEqual([]);
    expect(transportRetries, 'requests retried after a reset connection').toBeLessThanOrEqual(12);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1000);
    // The generator must actually exercise the error paths, not just one status.
    for (const status of [400, 401, 404, 405, 413, 415]) expect(statuses.get(status), `status ${status} seen`).toBeGreaterThan(0);
  }, 120_000);
});
