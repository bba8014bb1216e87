import { randomUUID } from 'node:crypto';

// Same rule as the contract's X-Request-ID parameter: printable ASCII, 1..128 characters.
const VALID = /^[\x21-\x7E]{1,128}$/;

/** Echoes a well-formed client request id; replaces a missing or malformed one with a UUID. */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming && VALID.test(incoming) ? incoming : randomUUID();
}
