import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, run } from './run.js';

const GENERATED = ['contracts/generated', 'packages/api-client/src/generated', 'packages/events/src/generated', 'packages/graphql-client/src/generated'];
const SOURCES = ['contracts/openapi', 'contracts/events', 'contracts/graphql'];
const gitStatus = (paths: string[]) => execFileSync('git', ['status', '--porcelain', '--', ...paths], { cwd: repoRoot }).toString();
// "From unchanged contracts": while a contract author has uncommitted source edits, regenerated output
// legitimately differs from HEAD, so the clean-tree assertion applies to committed sources only.
const sourcesEdited = gitStatus(SOURCES) !== '';

describe('generated code', () => {
  it('is what the generators produce from the committed contracts (pnpm generate:check)', async () => {
    const result = await run('pnpm', ['run', 'generate:check']);
    expect(result.stdout + result.stderr).toContain('contracts: 7 generated files are up to date'); // bundles, dereferenced, supergraph, target type, policy revision
    expect(result.stdout).toContain('api-client: generated types are up to date');
    expect(result.stdout).toContain('events: generated payload types and validators are up to date');
    expect(result.stdout).toContain('graphql-client: generated documents are up to date');
    expect(result.code).toBe(0);
  });

  it.skipIf(sourcesEdited)('regenerating from the committed contracts leaves git clean', async () => {
    const result = await run('pnpm', ['run', 'generate']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(gitStatus(GENERATED)).toBe('');
  });

  it('the check fails and names the file when a committed artefact was edited by hand', async () => {
    // Work on a copy of the contracts package so the real tree is never touched.
    const dir = mkdtempSync(join(tmpdir(), 'contracts-stale-'));
    try {
      cpSync(join(repoRoot, 'contracts'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('.reports') });
      const file = join(dir, 'generated/openapi.json');
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.info.version = '0.0.0-hand-edited';
      writeFileSync(file, JSON.stringify(doc, null, 2));
      // The copy resolves its dependencies through the real package's node_modules.
      symlinkSync(join(repoRoot, 'contracts/node_modules'), join(dir, 'node_modules'), 'dir');
      const result = await run('pnpm', ['exec', 'tsx', join(dir, 'scripts/generate.ts'), '--check'], {});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('stale');
      expect(result.stderr).toContain(join(dir, 'generated/openapi.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
