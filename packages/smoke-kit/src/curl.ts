import { MASK, mask } from './mask.js';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Header name/value pairs as sent (lower-case names, as the fetch `Headers` gives them). */
  headers: [string, string][];
  /** The request body as text, when there was one. */
  body?: string;
}

/** Headers whose value is a credential; their value is replaced (the scheme is kept). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
/** Headers curl or the transport sets by itself. */
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'user-agent']);

/** POSIX shell single-quoting. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\-.,:/@%+=]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function maskHeaderValue(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(\S+)\s+\S/.exec(value);
  return scheme ? `${scheme[1]} ${MASK}` : MASK;
}

const displayName = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()).replace(/^X-Request-Id$/, 'X-Request-ID');

/**
 * A `curl` command line that repeats `request`, with credentials masked (`Authorization: Bearer ***`)
 * so it can be printed in reports; paste it and put a real token in to reproduce.
 */
export function buildCurl(request: RecordedRequest): string {
  const parts = ['curl', '-sS', '-i'];
  if (request.method.toUpperCase() !== 'GET' || request.body !== undefined) parts.push('-X', request.method.toUpperCase());
  parts.push(shellQuote(request.url));
  for (const [name, value] of request.headers) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    parts.push('-H', shellQuote(`${displayName(name)}: ${maskHeaderValue(name, value)}`));
  }
  if (request.body !== undefined) parts.push('--data-raw', shellQuote(request.body));
  return mask(parts.join(' '));
}
