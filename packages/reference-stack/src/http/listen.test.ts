import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, MAX_HEADER_BYTES, type Listening } from './listen.js';

let server: Listening;
beforeAll(async () => {
  server = await listen('127.0.0.1', 0);
});
afterAll(() => server.close());

/** Sends raw bytes and reads the whole answer (the server closes after an error). */
function raw(text: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parse(answer: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n', 2) as [string, string];
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body) };
}

const expectExchange = (headers: Record<string, string>, requestId: unknown) => {
  expect(headers['x-request-id']).toBe(requestId);
  expect(Number(headers['x-process-time'])).toBeGreaterThanOrEqual(0);
};

describe('listen / createHttpServer: the envelope where Node would answer bare', () => {
  it('answers 503 "starting" with the envelope until an app is mounted', async () => {
    const res = await fetch(`${server.url}/anything`, { headers: { 'x-request-id': 'rid-start' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'The service is starting', request_id: 'rid-start' } });
    expect(Number(res.headers.get('x-process-time'))).toBeGreaterThanOrEqual(0);
  });

  it('answers headers above the limit (a 100 KB bearer) with the 431 envelope', async () => {
    const answer = parse(await raw(`GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(100_000)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({ error: { code: 'bad_request', message: `Request headers exceed ${MAX_HEADER_BYTES} bytes`, request_id: expect.any(String) } });
    expectExchange(answer.headers, (answer.body as { error: { request_id: string } }).error.request_id);
  });

  it('answers a request Node cannot parse with the 400 envelope', async () => {
    const answer = parse(await raw('GARBAGE\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'bad_request', message: 'Malformed HTTP request' } });
    expectExchange(answer.headers, (answer.body as { error: { request_id: string } }).error.request_id);
  });

  it('answers a body above the limit with the 413 envelope before the app sees it', async () => {
    let seen = 0;
    server.mount({ fetch: () => (seen++, new Response('ok')) });
    const res = await fetch(server.url, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1), headers: { 'x-request-id': 'rid-big' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large', request_id: 'rid-big' } });
    expect(seen).toBe(0);
  });
});
