import { describe, expect, it } from 'vitest';
import { readJsonBody } from './index.js';

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
