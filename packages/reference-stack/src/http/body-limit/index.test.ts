import { describe, expect, it } from 'vitest';
import { readJsonBody, withBodyLimit } from './index.js';

const post = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) => new Request('http://x/', { method: 'POST', body, headers });
const statusOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { status: number }) => e.status);

describe('readJsonBody', () => {
  it('parses JSON (also +json types), and an empty body is no body', async () => {
    expect(await readJsonBody(post('{"a":1}'), 100)).toEqual({ a: 1 });
    expect(await readJsonBody(post('[1]', { 'content-type': 'application/merge-patch+json; charset=utf-8' }), 100)).toEqual([1]);
    expect(await readJsonBody(post(null), 100)).toBeUndefined();
  });

  it('answers 413 above the limit, declared or streamed', async () => {
    expect(await statusOf(readJsonBody(post('{}', { 'content-type': 'application/json', 'content-length': '101' }), 100))).toBe(413);
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(64)) });
    expect(await statusOf(readJsonBody(new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit), 100))).toBe(413);
  });

  it('answers 415 to another media type and 400 to malformed JSON', async () => {
    expect(await statusOf(readJsonBody(post('{}', { 'content-type': 'text/plain' }), 100))).toBe(415);
    expect(await statusOf(readJsonBody(post('{"a":'), 100))).toBe(400);
  });
});

describe('withBodyLimit', () => {
  const echo = withBodyLimit(async (request) => new Response(await request.arrayBuffer()), 100);
  const chunked = (bytes: number) => {
    let left = bytes;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => {
        if (left <= 0) return c.close();
        c.enqueue(new Uint8Array(Math.min(left, 32)).fill(0xff));
        left -= 32;
      },
    });
    return new Request('http://x/', { method: 'POST', body: stream, duplex: 'half', headers: { 'x-request-id': 'rid-b' } } as RequestInit);
  };

  it('answers the 413 envelope, with the exchange headers, to a declared or a streamed body above the limit', async () => {
    for (const request of [post('x'.repeat(101), { 'content-length': '101', 'x-request-id': 'rid-b' }), chunked(101)]) {
      const res = await echo(request);
      expect(res.status).toBe(413);
      expect(res.headers.get('x-process-time')).toMatch(/^\d+\.\d{2}$/);
      expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: 'Request body exceeds 100 bytes', request_id: 'rid-b' } });
    }
  });

  it('hands a body within the limit to the app byte for byte, streamed or not', async () => {
    expect(new Uint8Array(await (await echo(chunked(100))).arrayBuffer())).toEqual(new Uint8Array(100).fill(0xff));
    expect(await (await echo(post('{"a":1}'))).text()).toBe('{"a":1}');
  });
});
