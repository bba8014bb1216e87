import { describe, expect, it } from 'vitest';
import { attemptsSoFar, MAX_EVENT_BYTES, parseEventBody } from './delivery.js';

describe('attemptsSoFar (the retry-count header, clamped)', () => {
  it.each([
    [undefined, 0],
    [0, 0],
    [3, 3],
    [2.7, 2],
    ['2', 2],
    [-1_000_000, 0],
    ['-5', 0],
    [1e12, 4],
    [Number.POSITIVE_INFINITY, 4],
    [Number.NaN, 0],
    ['many', 0],
    ['1e400', 0],
    [[1, 2], 0],
    [{ value: 3 }, 0],
    [Buffer.from('3'), 0],
    [10n ** 30n, 4],
  ])('%s → %s (max 5 attempts)', (header, expected) => {
    expect(attemptsSoFar(header, 5)).toBe(expected);
  });
});

describe('parseEventBody', () => {
  const body = Buffer.from('{"a":1}');
  it('parses JSON with the default or a JSON content type', () => {
    expect(parseEventBody(body, undefined)).toEqual({ a: 1 });
    expect(parseEventBody(body, 'application/json; charset=utf-8')).toEqual({ a: 1 });
  });
  it('refuses other content types, oversized and empty bodies', () => {
    expect(() => parseEventBody(body, 'text/plain')).toThrow(/content type "text\/plain"/);
    expect(() => parseEventBody(Buffer.from(`"${'x'.repeat(MAX_EVENT_BYTES)}"`), 'application/json')).toThrow(/exceeds/);
    expect(() => parseEventBody(Buffer.alloc(0), 'application/json')).toThrow();
  });
});
