import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

// The README's main job, exactly as a user types it.
describe('pnpm smoke', () => {
  it('runs health and ingest against the embedded reference stack and exits 0', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'smoke-e2e-'));
    const result = await run('pnpm', ['smoke', '--report-dir', reportDir]);
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    expect(output).toMatch(/smoke: \d+ passed, 0 failed/);
    expect(output).toContain('health');
    expect(output).toContain('ingest');
  });

  it('exits 2 naming the URL when the target points nowhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-target-'));
    const file = join(dir, 'nowhere.yaml');
    writeFileSync(
      file,
      ['name: nowhere', 'rest:', '  baseUrl: http://127.0.0.1:9', 'auth:', '  tokenUrl: http://127.0.0.1:9/oauth/token', '  clientId: c', '  clientSecret: s', ''].join('\n'),
    );
    const result = await run('pnpm', ['smoke', '--target', file]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('http://127.0.0.1:9');
  });

  it('exits 2 naming the field when the target file misses a required one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-target-'));
    const file = join(dir, 'incomplete.json');
    writeFileSync(file, JSON.stringify({ name: 'incomplete', rest: {} }));
    const result = await run('pnpm', ['smoke', '--target', file]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('rest.baseUrl');
  });
});
