import { describe, expect, it } from 'vitest';
import type { Queryable } from './db.js';
import { decodeCursor, encodeCursor, InvalidCursorError, reportsNear } from './queries.js';

describe('near-a-point cursors', () => {
  it('round-trip and stay opaque (base64url)', () => {
    const cursor = encodeCursor({ distance: '1234.500', seq: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ distance: '1234.500', seq: 42 });
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong version', Buffer.from(JSON.stringify({ v: 2, d: '1.000', s: 1 })).toString('base64url')],
    ['distance not decimal', Buffer.from(JSON.stringify({ v: 1, d: '1e3', s: 1 })).toString('base64url')],
    ['seq not an integer', Buffer.from(JSON.stringify({ v: 1, d: '1.000', s: 1.5 })).toString('base64url')],
    ['empty', ''],
    // Issue 13: pattern-valid cursors this API never wrote must be a 400, not reach PostgreSQL.
    ['seq out of bigint range', Buffer.from('{"d":1,"s":1e300}').toString('base64url')],
    ['seq 1e300 with version', Buffer.from(JSON.stringify({ v: 1, d: '1.000', s: 1e300 })).toString('base64url')],
    ['distance without millimetres', Buffer.from(JSON.stringify({ v: 1, d: '12', s: 1 })).toString('base64url')],
    ['distance beyond the Earth', Buffer.from(JSON.stringify({ v: 1, d: '999999999.000', s: 1 })).toString('base64url')],
    ['an extra key', Buffer.from(JSON.stringify({ v: 1, d: '1.000', s: 1, x: 1 })).toString('base64url')],
    ['other key order', Buffer.from(JSON.stringify({ s: 1, d: '1.000', v: 1 })).toString('base64url')],
    // Same bytes once decoded ('Q' → 'R' only sets unused padding bits), but not the cursor encodeCursor wrote.
    ['non-canonical base64url', `${encodeCursor({ distance: '1.000', seq: 1 }).slice(0, -1)}R`],
  ])('reject %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});

describe('reportsNear', () => {
  const row = (seq: number, distance: string) => ({ seq, distance, public_id: `rpt_${seq}` });
  const db = (rows: object[]) => {
    const calls: unknown[][] = [];
    return { calls, query: async (_sql: string, params?: unknown[]) => (calls.push(params ?? []), { rows }) } as unknown as Queryable & { calls: unknown[][] };
  };

  it('asks for one row more than a page and gives every item its keyset cursor', async () => {
    const fake = db([row(1, '10.000'), row(2, '12.500'), row(3, '13.000')]);
    const page = await reportsNear(fake, { latitude: 1, longitude: 2, radiusMeters: 50, limit: 2 });
    expect(fake.calls[0]).toEqual([1, 2, 50, 3]);
    expect(page.hasNextPage).toBe(true);
    expect(page.items.map((i) => decodeCursor(i.cursor))).toEqual([{ distance: '10.000', seq: 1 }, { distance: '12.500', seq: 2 }]);
  });

  it('continues after a cursor, and rejects a foreign one before querying', async () => {
    const fake = db([]);
    const page = await reportsNear(fake, { latitude: 1, longitude: 2, radiusMeters: 50, limit: 2, after: encodeCursor({ distance: '12.500', seq: 2 }) });
    expect([page, fake.calls[0]]).toEqual([{ items: [], hasNextPage: false }, [1, 2, 50, 3, '12.500', 2]]);
    await expect(reportsNear(fake, { latitude: 1, longitude: 2, radiusMeters: 50, limit: 2, after: 'x' })).rejects.toThrow(InvalidCursorError);
    expect(fake.calls).toHaveLength(1);
  });
});
