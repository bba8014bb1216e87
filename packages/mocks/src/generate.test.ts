// (5) The committed fixtures are what the generator makes from the current contract (`generate:check`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const run = (env: Record<string, string> = {}) =>
  spawnSync(tsx, ['scripts/generate.ts', '--check'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

describe('generated fixtures', () => {
  it('src/generated/fixtures.ts is up to date with the contract (generate:check exits 0)', () => {
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('up to date');
  }, 30_000);

  it('generate:check exits 1 and names the stale file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mocks-check-'));
    try {
      const stale = join(dir, 'fixtures.ts');
      writeFileSync(stale, readFileSync(join(root, 'src/generated/fixtures.ts'), 'utf8').replace("version: '4.0.0'", "version: '3.9.9'"));
      const result = run({ MOCKS_FIXTURES_FILE: stale });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(stale);
      expect(result.stderr).toContain('stale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
