/**
 * Secret masking. Every string the runner writes (console, JUnit, JSON, curl lines) goes through
 * `mask()`: registered secrets (client secret, access tokens, URL passwords) become `***`, and so do
 * values that look like credentials even when they were never registered (a token fetched inside a
 * test worker, a bearer header echoed by a server).
 */

export const MASK = '***';

/** Secrets shorter than this are not registered: masking "a" would shred every message. */
const MIN_SECRET_LENGTH = 4;

const registered = new Set<string>();

/** Registers a secret so `mask()` replaces it everywhere. Returns the secret for chaining. */
export function registerSecret<T extends string | undefined>(secret: T): T {
  if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) {
    registered.add(secret);
    // Also the encodings a secret typically travels in.
    registered.add(encodeURIComponent(secret));
    registered.add(Buffer.from(secret).toString('base64'));
    // As it appears inside XML (JUnit) once escaped.
    registered.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  }
  return secret;
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  registered.clear();
}

/** The currently registered secrets, longest first (so a secret containing another is replaced whole). */
export function registeredSecrets(): string[] {
  return [...registered].sort((a, b) => b.length - a.length);
}

const PATTERNS: [RegExp, string][] = [
  // Authorization headers, whatever the token looks like.
  // (a credential has a digit or punctuation in it, so prose like "a bearer token is required" stays readable).
  [/\b(Bearer|Basic)\s+(?!\*\*\*)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/-])[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`],
  // JWTs (header.payload.signature, base64url).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, MASK],
  // JSON or form fields that carry credentials.
  [/("(?:access_token|refresh_token|id_token|client_secret|clientSecret|password)"\s*:\s*")[^"]*(")/gi, `$1${MASK}$2`],
  [/\b((?:access_token|refresh_token|id_token|client_secret|password)=)[^&\s'"]+/gi, `$1${MASK}`],
  // Passwords in URLs (amqp://user:pass@host).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s'"]+:)[^@/\s'"]+(@)/gi, `$1${MASK}$2`],
];

/** Replaces registered secrets and credential-shaped values by `***`. */
export function mask(text: string, extraSecrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const secrets = [...registeredSecrets(), ...extraSecrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)];
  for (const secret of secrets) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Masks every string inside a JSON-like value (returns a copy). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v);
    return out as T;
  }
  return value;
}
