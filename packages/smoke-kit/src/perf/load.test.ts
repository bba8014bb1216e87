import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoad, measurePair } from './load.js';

/**
 * A real HTTP server with known behaviour: every 10th request it receives answers after 40 ms (timers may fire a little early: tests allow 35), every
 * 4th is a 503 (on /errors), /graphql answers 200 with a GraphQL `errors` body every other time, /hang never answers.
 */
let server: Server;
let base: string;
let received = 0;
const order: string[] = [];
/** How long the slow tenth of /slow-tail answers take. */
const SLOW_MS = 250;
beforeAll(async () => {
  server = createServer((req, res) => {
    received += 1;
    order.push(req.url ?? '');
    const n = received;
    if (req.url === '/hang') return;
    const answer = () => {
      if (req.url === '/errors' && n % 4 === 0) res.writeHead(503).end('{}');
      else if (req.url === '/graphql') res.writeHead(200, { 'content-type': 'application/json' }).end(n % 2 ? '{"data":{"x":1}}' : '{"errors":[{"message":"boom"}]}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    // The slow tenth is far slower than a busy CI machine makes a fast answer (a 40 ms tail once lost to load).
    if (req.url === '/slow-tail' && n % 10 === 0) setTimeout(answer, SLOW_MS);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const settings = { rate: 10_000, maxRequests: 100, maxSeconds: 10, connections: 4 };

describe('measureLoad (autocannon, latency per answer)', () => {
  it('sends maxRequests requests after the warm-up; the p95 sees the slow tenth, the p50 does not (sub-millisecond precision)', async () => {
    received = 0;
    const m = await measureLoad({ url: `${base}/slow-tail`, method: 'GET' }, settings);
    expect(m.requests).toBe(100);
    expect(received).toBe(100 + 12); // + warm-up: 3 per connection
    expect(m.errors).toBe(0);
    expect(m.p95Ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(m.p99Ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(m.p50Ms).toBeLessThan(SLOW_MS / 2);
    expect(Number.isInteger(m.p50Ms)).toBe(false);
  });

  it('counts non-2xx answers as errors', async () => {
    received = 0;
    const m = await measureLoad({ url: `${base}/errors`, method: 'GET' }, settings);
    expect(m).toMatchObject({ requests: 100, errors: 25, errorRate: 0.25 });
    expect(m.statuses['503']).toBe(25);
  });

  it('counts a 200 whose body verifyBody refuses (GraphQL errors) as an error, and sends the method, headers and body', async () => {
    const seen: string[] = [];
    server.prependOnceListener('request', (req) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => seen.push(`${req.method} ${req.headers.authorization} ${body}`));
    });
    received = 0;
    const m = await measureLoad(
      { url: `${base}/graphql`, method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"query":"{x}"}', verifyBody: (b) => !('errors' in JSON.parse(b)) },
      { ...settings, maxRequests: 40 },
    );
    expect(seen).toEqual(['POST Bearer t {"query":"{x}"}']);
    expect(m).toMatchObject({ requests: 40, errors: 20 });
    expect(m.statuses['refused body']).toBe(20);
  });

  it('stops at maxSeconds when answers never come (a timeout is an error), and a refused connection is an error, not a hang', async () => {
    const started = performance.now();
    const hung = await measureLoad({ url: `${base}/hang`, method: 'GET' }, { ...settings, maxSeconds: 1 });
    // nothing answered: at most the requests that timed out (the timeout is the window) count, all as errors
    expect(hung.errors).toBe(hung.requests);
    expect(hung.p95Ms).toBeNaN();
    expect(performance.now() - started).toBeLessThan(4_000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await measureLoad({ url: `http://127.0.0.1:${port}/`, method: 'GET' }, { ...settings, maxSeconds: 2 });
    expect(refused.errors).toBeGreaterThan(0);
    expect(refused.errorRate).toBe(1);
  });

  it('measurePair alternates baseline and subject in rounds, each side maxRequests in all', async () => {
    order.length = 0;
    const { baseline, subject } = await measurePair({ url: `${base}/fast`, method: 'GET' }, { url: `${base}/slow-tail`, method: 'GET' }, { ...settings, maxRequests: 53, connections: 2 });
    expect(baseline.requests).toBe(53);
    expect(subject.requests).toBe(53);
    expect(subject.p95Ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(baseline.p95Ms).toBeLessThan(SLOW_MS / 2);
    // warm-up of each (6 requests: 3 per connection), then 5 rounds of baseline, subject
    const runs = order.reduce<string[]>((acc, url) => (acc.at(-1) === url ? acc : [...acc, url]), []);
    expect(runs).toEqual(['/fast', '/slow-tail', ...Array<string[]>(5).fill(['/fast', '/slow-tail']).flat()]);
  });
});
