// What a consumer reads from a delivery before trusting it: the retry count header and the body. Both
// come from whoever published, so they are bounded here whatever they say.

/** The largest event body read; the API accepts 1 MiB requests, so no event it causes is near this. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * How many times a message was retried before, from its retry-count header, clamped to
 * [0, maxAttempts - 1] (the contract: an integer ≥ 0). Negative, non-numeric, array or missing → 0;
 * huge → the last attempt. Each retry rewrites the header with this + 1, so a message is attempted at
 * most `maxAttempts` times whatever its publisher wrote.
 */
export function attemptsSoFar(header: unknown, maxAttempts: number): number {
  const n =
    typeof header === 'number' ? header : typeof header === 'bigint' ? Number(header) : typeof header === 'string' && /^\s*[+-]?\d+\s*$/.test(header) ? Number(header) : 0;
  if (Number.isNaN(n)) return 0;
  return Math.min(Math.max(Math.floor(n), 0), Math.max(maxAttempts - 1, 0));
}

/**
 * Parses an event body as JSON; throws (the message is poison) when its content type is not JSON (absent
 * means the contract's default, application/json) or it is larger than `MAX_EVENT_BYTES`.
 */
export function parseEventBody(body: Buffer, contentType: unknown): unknown {
  const type = typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : contentType;
  if (type !== undefined && type !== '' && type !== 'application/json') {
    throw new Error(`content type ${JSON.stringify(String(contentType).slice(0, 80))} instead of application/json`);
  }
  if (body.length > MAX_EVENT_BYTES) throw new Error(`body of ${body.length} bytes exceeds ${MAX_EVENT_BYTES}`);
  return JSON.parse(body.toString('utf8'));
}
