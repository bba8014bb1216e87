// Opaque cursors for reportsNear: keyset position (distance in millimetre-rounded metres, seq),
// base64url-encoded JSON. A cursor that does not decode is the caller's error, not a server fault.
import { GraphQLError } from 'graphql';

export interface NearPosition {
  /** Distance from the query point in metres, as a decimal string with 3 digits (exact in SQL numeric). */
  distance: string;
  seq: number;
}

const DISTANCE = /^\d{1,9}(\.\d{1,3})?$/;

const toBase64Url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

export function encodeCursor(position: NearPosition): string {
  return toBase64Url(JSON.stringify({ v: 1, d: position.distance, s: position.seq }));
}

export class InvalidCursorError extends GraphQLError {
  constructor(argument = 'after') {
    super(`"${argument}" is not a cursor returned by this API`, { extensions: { code: 'BAD_USER_INPUT', argumentName: argument } });
  }
}

export function decodeCursor(cursor: string, argument = 'after'): NearPosition {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new InvalidCursorError(argument);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(argument);
  }
  const v = value as { v?: unknown; d?: unknown; s?: unknown } | null;
  if (!v || typeof v !== 'object' || v.v !== 1 || typeof v.d !== 'string' || !DISTANCE.test(v.d) || !Number.isSafeInteger(v.s) || (v.s as number) < 1) {
    throw new InvalidCursorError(argument);
  }
  return { distance: v.d, seq: v.s as number };
}
