// Request ids correlate a call with server logs; they are not secrets. So this never throws: React Native
// (Hermes) has no `crypto` at all and browsers hide `crypto.randomUUID` on plain-http pages.

type RandomSource = { randomUUID?: () => string; getRandomValues?: <T extends ArrayBufferView | null>(array: T) => T };

function webCrypto(): RandomSource | undefined {
  return (globalThis as { crypto?: RandomSource }).crypto;
}

/** Formats 16 bytes as an RFC 4122 version-4 UUID (sets the version and variant bits in place). */
export function formatUuidV4(bytes: Uint8Array): string {
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A random RFC 4122 v4 UUID for `X-Request-ID`: `crypto.randomUUID` when present, else built from
 * `crypto.getRandomValues`, else from `Math.random` — not cryptographic, which is fine for a correlation id
 * (pass `requestId` to the client for your own scheme).
 */
export function generateRequestId(): string {
  const crypto = webCrypto();
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return formatUuidV4(bytes);
}
