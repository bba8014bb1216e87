// A service repo's view: `npm install -D` the runner (@cleanapp/smoke-kit, which brings the compiled
// suites) and the diff CLI from the packed tarballs into a project outside the workspace, then
// `npx cleanapp-smoke --target t.json` against a reference stack (exit 0, 1 and 2 as documented),
// `npx cleanapp-smoke` without --target (the embedded stack, an optional peer) and `npx contract-diff`.
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, hasBuild, npmInstall, type CommandResult } from '../src/consumer.js';
import { buildPackages, packPackages, type PackedPackage } from '../src/pack.js';
import { publishedPackages, repoRoot } from '../src/packages.js';

// Every published package: the runner, its suites, contract-diff (which the suites import), the optional stack.
const packages = publishedPackages;
const fixtures = new URL('./fixtures/diff/', import.meta.url);

let packed: PackedPackage[] = [];
let app: string;
const cleanup: string[] = [];

beforeAll(async () => {
  if (!packages.every((p) => hasBuild(p.dir))) await buildPackages(packages);
  packed = await packPackages(packages);
  cleanup.push(join(packed[0]!.tarball, '..'));
  app = realpathSync(mkdtempSync(join(tmpdir(), 'cleanapp-service-repo-')));
  cleanup.push(app);
  if (app.startsWith(realpathSync(repoRoot))) throw new Error(`${app} must be outside the workspace`);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'service-repo', private: true, type: 'module' }, null, 2)}\n`);
  // One install: our packages from the tarballs (npm never asks the registry for them), the rest from the registry.
  await npmInstall(app, ['--save-dev', ...packed.map((p) => p.tarball)]);
});
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** `npx --no` never downloads: the bin must come from what was installed; `--` keeps npm off the bin's flags. */
const npx = (args: string[], env: Record<string, string> = {}): Promise<CommandResult> => command('npx', ['--no', '--', ...args], app, { NO_COLOR: '1', ...env });
const counts = (output: string) => /smoke: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(output)?.slice(1).map(Number);

describe('the runner and the diff CLI installed from tarballs', () => {
  it('took every @cleanapp package from a tarball and linked both bins', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@cleanapp/smoke-kit', '@cleanapp/smoke-suites', '@cleanapp/contract-diff', '@cleanapp/reference-stack']));
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
    const ours = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@cleanapp/'));
    expect(ours.map(([path]) => path.replace(/^.*node_modules\//, '')).sort()).toEqual(packages.map((p) => p.name).sort());
    for (const [path, entry] of ours) expect(entry.resolved, path).toMatch(/^file:.*\.tgz$/);
    expect(existsSync(join(app, 'node_modules/.bin/cleanapp-smoke'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/.bin/contract-diff'))).toBe(true);
    // No TypeScript ships: the suites and the runner are JavaScript.
    expect(existsSync(join(app, 'node_modules/@cleanapp/smoke-suites/dist/health/health.test.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@cleanapp/smoke-kit/src'))).toBe(false);
  });

  it('npx contract-diff on a breaking pair exits 1 naming the removed response property', async () => {
    cpSync(fixtures, join(app, 'contracts'), { recursive: true });
    const result = await npx(['contract-diff', 'contracts/base.yaml', 'contracts/rev.yaml', '--fail-on', 'breaking']);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(/BREAKING response-required-property-removed\s+GET \/items\/\{id\} response 200 application\/json \/seq/);
    expect(result.output).toContain('1 breaking, 0 warning, 0 info (openapi)');
    const same = await npx(['contract-diff', 'contracts/base.yaml', 'contracts/base.yaml']);
    expect(same.code, same.output).toBe(0);
  });

  describe('npx cleanapp-smoke --target against a reference stack', () => {
    let stack: RunningStack;
    let target: Record<string, unknown> & { auth: { tokenUrl: string }; services: Record<string, Record<string, unknown>> };
    const writeTarget = (name: string, value: object) => {
      const file = join(app, name);
      writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
      return file;
    };
    beforeAll(async () => {
      stack = await startStack();
      target = JSON.parse(readFileSync(stack.targetFile, 'utf8')) as typeof target;
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('runs the health, ingest, query and contracts suites from node_modules: exit 0, every check passed', async () => {
      const file = writeTarget('t.json', target);
      const result = await npx(['cleanapp-smoke', '--target', file, '--suite', 'health,ingest,query,contracts', '--report-dir', 'smoke-report']);
      expect(result.code, result.output).toBe(0);
      const [passed, failed] = counts(result.output) ?? [];
      expect(failed, result.output).toBe(0);
      expect(passed).toBeGreaterThan(30);
      const report = JSON.parse(readFileSync(join(app, 'smoke-report', 'results.json'), 'utf8')) as { suites: string[]; summary: { passed: number } };
      expect(report.suites).toEqual(['health', 'ingest', 'query', 'contracts']);
      expect(report.summary.passed).toBe(passed);
    });

    it('exits 1 when a check fails (the target pins a git sha the API does not report)', async () => {
      const file = writeTarget('pinned.json', { ...target, services: { ...target.services, api: { ...target.services.api, expectSha: '0000000000000000000000000000000000000000' } } });
      const result = await npx(['cleanapp-smoke', '--target', file, '--suite', 'health', '--report-dir', 'smoke-pinned']);
      expect(result.code, result.output).toBe(1);
      expect(counts(result.output)?.[1]).toBeGreaterThan(0);
      expect(result.output).toMatch(/0000000/);
    });

    it('exits 2 before running anything when the token endpoint issues no token', async () => {
      const file = writeTarget('bad-token.json', { ...target, auth: { ...target.auth, tokenUrl: target.auth.tokenUrl.replace(/[^/]*$/, 'nope') } });
      const result = await npx(['cleanapp-smoke', '--target', file, '--suite', 'health,ingest', '--report-dir', 'smoke-bad']);
      expect(result.code, result.output).toBe(2);
      expect(result.output).toMatch(/token endpoint .*\/nope answered 404.*\[auth\.tokenUrl\]/);
      expect(counts(result.output)).toBeUndefined();
    });
  });

  describe('npx cleanapp-smoke without --target (the embedded stack, an optional peer)', () => {
    it('starts the installed @cleanapp/reference-stack and runs the health suite: exit 0', async () => {
      const result = await npx(['cleanapp-smoke', '--suite', 'health', '--report-dir', 'smoke-embedded']);
      expect(result.code, result.output).toBe(0);
      expect(counts(result.output)?.[0]).toBeGreaterThan(10);
    });

    it('without @cleanapp/reference-stack installed: exit 2 saying to pass --target or install it', async () => {
      const installed = join(app, 'node_modules/@cleanapp/reference-stack');
      const aside = join(app, 'reference-stack-aside');
      if (existsSync(installed)) renameSync(installed, aside);
      try {
        const result = await npx(['cleanapp-smoke', '--suite', 'health', '--report-dir', 'smoke-no-stack']);
        expect(result.code, result.output).toBe(2);
        expect(result.output).toContain('smoke: no --target given and the embedded reference stack is not installed: pass --target <file>, or npm install -D @cleanapp/reference-stack');
      } finally {
        if (existsSync(aside)) renameSync(aside, installed);
      }
    });
  });
});
