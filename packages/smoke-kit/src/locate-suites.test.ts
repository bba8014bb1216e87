import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverSuites, locateSuites, repoRoot, suitesDir } from './runner.js';

const temp = mkdtempSync(join(tmpdir(), 'smoke-locate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const writeJson = (file: string, value: unknown) => {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
};

describe('where the runner finds the suites', () => {
  it("uses this repository's suites/ inside the workspace", () => {
    expect(suitesDir).toBe(join(repoRoot!, 'suites'));
    expect(discoverSuites().map((s) => s.name)).toEqual(expect.arrayContaining(['health', 'ingest', 'contracts']));
  });

  it('uses dist/ of the installed @cleanapp/smoke-suites in a project outside the workspace, with the suite metadata', () => {
    const project = join(temp, 'service-repo');
    const kit = join(project, 'node_modules', '@cleanapp', 'smoke-kit');
    const suites = join(project, 'node_modules', '@cleanapp', 'smoke-suites');
    writeJson(join(kit, 'package.json'), { name: '@cleanapp/smoke-kit' });
    writeJson(join(suites, 'package.json'), { name: '@cleanapp/smoke-suites', exports: { './package.json': './package.json' } });
    writeJson(join(suites, 'dist', 'health', 'package.json'), { type: 'module', description: 'health checks', smoke: { auth: false, tags: ['gate'], services: ['api'] } });
    writeFileSync(join(suites, 'dist', 'health', 'health.test.js'), '');
    writeJson(join(suites, 'dist', 'render', 'package.json'), { type: 'module', description: 'pages in Chromium', smoke: { browser: true } });
    writeFileSync(join(suites, 'dist', 'render', 'render.test.js'), '');
    writeJson(join(suites, 'dist', 'empty', 'package.json'), { type: 'module' });

    const located = locateSuites(kit);
    expect(located).toEqual({ suitesDir: join(suites, 'dist'), repoRoot: undefined });
    expect(discoverSuites(located.suitesDir)).toEqual([
      { name: 'health', dir: join(suites, 'dist', 'health'), description: 'health checks', needsAuth: false, tags: ['gate'], services: ['api'], browser: false },
      // smoke.browser: the runner starts the run's one Chromium for it.
      { name: 'render', dir: join(suites, 'dist', 'render'), description: 'pages in Chromium', needsAuth: false, tags: ['gate', 'nightly'], services: [], browser: true },
    ]);
  });

  it('finds none when neither is there', () => {
    const kit = join(temp, 'bare', 'node_modules', '@cleanapp', 'smoke-kit');
    writeJson(join(kit, 'package.json'), { name: '@cleanapp/smoke-kit' });
    expect(locateSuites(kit)).toEqual({ suitesDir: undefined, repoRoot: undefined });
  });
});
