import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSuites, HOST_PACKAGE, packageDir, requiredDependencies, sourceSuites, type SourceSuite } from './suites.js';

const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

describe('the dependencies of @cleanapp/smoke-suites', () => {
  it('are exactly what suites/*/package.json depend on (but the runner, a peer)', () => {
    expect(manifest.dependencies).toEqual(requiredDependencies());
    expect(Object.keys(manifest.peerDependencies)).toEqual([HOST_PACKAGE]);
  });

  it('notices a suite dependency the package lacks', () => {
    const [first, ...rest] = sourceSuites();
    const extra: SourceSuite = { ...first!, manifest: { ...first!.manifest, dependencies: { ...first!.manifest.dependencies, 'left-pad': '^1.3.0' } } };
    expect(requiredDependencies([extra, ...rest])).not.toEqual(manifest.dependencies);
    expect(requiredDependencies([extra, ...rest])['left-pad']).toBe('^1.3.0');
  });
});

describe('the build', () => {
  let out: string;
  let files: string[];
  const suites = sourceSuites();
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'smoke-suites-build-'));
    files = await buildSuites(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes one .js per test file and a package.json per suite', () => {
    const expected = suites.flatMap((s) => [...s.testFiles.map((f) => join(s.name, f.replace(/\.ts$/, '.js'))), join(s.name, 'package.json')]);
    expect(files).toEqual(expected.sort());
    expect(suites.map((s) => s.name)).toEqual(expect.arrayContaining(['health', 'ingest', 'contracts']));
  });

  it('keeps each suite’s description and smoke metadata, and makes its files ESM', () => {
    for (const s of suites) {
      const pkg = JSON.parse(readFileSync(join(out, s.name, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg).toMatchObject({ type: 'module', description: s.manifest.description, smoke: s.manifest.smoke });
    }
  });

  it('leaves only package imports that the package declares, or Node built-ins, and no relative ones', () => {
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const undeclared: string[] = [];
    const seen = new Set<string>();
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(out, file), 'utf8');
      // esbuild prints static imports one per line (`import … from "x";`, `import "x";`) and dynamic ones as `import("x")`.
      const specs = [...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";$|^import\s*"([^"]+)";$|\bimport\("([^"]+)"\)/gms)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const spec of specs) {
        seen.add(spec!);
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (spec!.startsWith('node:') || builtinModules.includes(name)) continue;
        if (spec!.startsWith('.') || !declared.has(name)) undeclared.push(`${file}: ${spec}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect([...seen]).toEqual(expect.arrayContaining([HOST_PACKAGE, '@cleanapp/smoke-kit/perf', 'vitest', 'node:crypto', 'playwright-core']));
    // Types are gone: the files run on Node without a TypeScript loader.
    expect(readFileSync(join(out, 'health', 'health.test.js'), 'utf8')).not.toMatch(/^import type /m);
  });
});
