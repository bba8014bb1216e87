import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { findRepoRoot } from '../src/paths.js';

export const root = findRepoRoot();
export const fixtures = join(import.meta.dirname, 'fixtures');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory (removed after the file's tests), optionally seeded with a fixture. */
export function tempDir(seed?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-checks-'));
  dirs.push(dir);
  if (seed) cpSync(seed, dir, { recursive: true });
  return dir;
}
