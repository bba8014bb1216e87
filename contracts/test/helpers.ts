import { fileURLToPath } from 'node:url';

/** The contracts package; lint problems in tests are reported relative to it (like `pnpm lint` does). */
export const contractsDir = fileURLToPath(new URL('..', import.meta.url));

/** A fixture path as the linters print it: relative to the contracts package. */
export const fixture = (path: string) => `test/fixtures/${path}`;

// The linters are CPU-bound (Redocly, the AsyncAPI parser's schema compile); on a busy 2-core runner
// a single lint can take seconds, so tests allow for it instead of using the 5 s default.
export const SLOW = 60_000;
