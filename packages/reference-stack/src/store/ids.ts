import { createHash, randomBytes } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<prefix>_` + 12 base62 characters from a CSPRNG (rejection sampling keeps the distribution even). */
export function randomId(prefix: 'rpt' | 'rcp'): string {
  let out = '';
  while (out.length < 12) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && out.length < 12) out += ALPHABET[byte % 62];
    }
  }
  return `${prefix}_${out}`;
}

/** JSON with sorted keys, so equal content hashes equally whatever the key order of the request. */
export const canonicalJson = (value: unknown): string => stringify(value) ?? 'null';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
