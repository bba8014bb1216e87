// Fast checks of the tarballs as pnpm packs them (the packages are built by turbo's ^build first).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSizeReadmes, graphqlJsMarker, measureBundle, measureTypicalImports, readBundleSizeBlock, readReadme, unpackForBundling } from '../src/bundle-size.js';
import { declaresRequire, exportPaths, isNodeBuiltin, reachableImports, runAttw, runPublint, scanHosts, typesFirstProblems, type ExportTarget } from '../src/checks.js';
import { hasBuild } from '../src/consumer.js';
import { generateApiTypes } from '../src/contract-change.js';
import { buildPackages, packPackages, type PackedPackage } from '../src/pack.js';
import { publishedPackages, repoRoot } from '../src/packages.js';
import { readTarball } from '../src/tarball.js';
import { contractPaths } from '@cleanapp/contracts';

const run = promisify(execFile);
let packed: PackedPackage[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'cleanapp-package-checks-'));

beforeAll(async () => {
  if (!publishedPackages.every((p) => hasBuild(p.dir))) await buildPackages();
  packed = await packPackages(publishedPackages, join(scratch, 'packed'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const manifestOf = (pkg: PackedPackage) => JSON.parse(readTarball(pkg.tarball).find((f) => f.path === 'package.json')!.data.toString('utf8'));

describe.each(publishedPackages.map((p) => p.name))('%s tarball', (name) => {
  const pkg = () => packed.find((p) => p.name === name)!;
  const spec = publishedPackages.find((p) => p.name === name)!;

  // A local server's defaults are local hosts (publishedPackages[].localHosts says why).
  it.skipIf(!!spec.localHosts)('has no hard-coded localhost/127.0.0.1 in any published file', () => {
    expect(scanHosts(pkg())).toEqual([]);
  });

  it(`is ESM${spec.runner || spec.content ? '' : ' with sideEffects:false'}${spec.content ? '' : ' and types-first exports into dist (at every level of nested conditions)'}`, () => {
    const manifest = manifestOf(pkg());
    expect(manifest.type).toBe('module');
    // Test files and a CLI do things when loaded; a library claims it does not.
    if (!spec.runner && !spec.content) expect(manifest.sideEffects).toBe(false);
    if (spec.content) {
      expect([manifest.main, manifest.types]).toEqual([undefined, undefined]);
      return;
    }
    expect(manifest.main).toMatch(/^\.\/dist\/index\.c?js$/);
    expect(manifest.types).toMatch(/^\.\/dist\/index\.d\.c?ts$/);
    for (const [subpath, target] of Object.entries(manifest.exports as Record<string, ExportTarget>)) {
      if (typeof target === 'string') continue; // data files and ./package.json
      expect(typesFirstProblems(target, `exports["${subpath}"]`)).toEqual([]);
      for (const file of exportPaths(target)) expect(file, `exports["${subpath}"]`).toMatch(/^\.\/dist\//);
    }
  });

  it(`passes publint and attw (${'node16 profile if it declares require conditions, else esm-only'})`, async () => {
    const [publintProblems, attwProblems] = await Promise.all([runPublint(pkg()), runAttw(pkg())]);
    expect([...publintProblems, ...attwProblems]).toEqual([]);
  });

  it('in the workspace, each export\'s cleanapp-dist condition names the file publishConfig publishes (what `pnpm smoke` loads); the tarball has none', () => {
    const workspace = JSON.parse(readFileSync(join(repoRoot, spec.dir, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; publishConfig?: { exports?: Record<string, unknown> } };
    const esm = (entry: unknown): string | undefined => {
      if (entry === null || typeof entry !== 'object') return undefined;
      const chosen = (entry as Record<string, unknown>).import ?? (entry as Record<string, unknown>).default;
      return typeof chosen === 'string' ? chosen : esm(chosen);
    };
    for (const [subpath, entry] of Object.entries(workspace.exports)) {
      const target = esm(workspace.publishConfig?.exports?.[subpath]);
      if (target?.endsWith('.js') && typeof entry === 'object') {
        expect((entry as Record<string, string>)['cleanapp-dist'], `${name} exports["${subpath}"]`).toBe(target);
        expect(Object.keys(entry as object).indexOf('cleanapp-dist'), `${name} exports["${subpath}"]: before default`).toBeLessThan(Object.keys(entry as object).indexOf('default'));
      }
    }
    expect(JSON.stringify(manifestOf(pkg()).exports)).not.toContain('cleanapp-dist');
  });

  it('carries the licence text, repository (with its directory) and engines that registries and provenance need', () => {
    const files = readTarball(pkg().tarball);
    // npm publish --provenance rejects a package without `repository`; the licence text travels with the code.
    expect(files.find((f) => f.path === 'LICENSE')?.data.toString('utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    const manifest = manifestOf(pkg());
    expect(manifest.license).toBe('GPL-3.0-or-later');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/cleanapp/cleanapp-platform.git', directory: spec.dir });
    expect(manifest.engines?.node).toMatch(/^>=\d/);
  });

  it('ships only what consumers need, with every export target present and no workspace:/catalog: ranges', () => {
    const files = readTarball(pkg().tarball).map((f) => f.path);
    // The suites package ships compiled test files (dist/<suite>/*.test.js): they are what it is for.
    const product = (f: string) => spec.content === 'suites' && /^dist\/[^/]+\/[^/]+\.test\.js$/.test(f);
    expect(files.filter((f) => /^(src|scripts|test)\/|\.test\.|tsconfig|vitest/.test(f) && !product(f))).toEqual([]);
    const manifest = manifestOf(pkg());
    for (const target of Object.values(manifest.exports as Record<string, ExportTarget>).flatMap(exportPaths)) {
      if (target.includes('*')) {
        const prefix = target.slice(2, target.indexOf('*'));
        expect(files.some((f) => f.startsWith(prefix)), target).toBe(true);
      } else expect(files, target).toContain(target.slice(2));
    }
    const ranges = JSON.stringify([manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies]);
    expect(ranges).not.toMatch(/workspace:|catalog:/);
  });
});

describe.each(publishedPackages.flatMap((p) => (p.browserSafe ?? []).map((subpath) => [p.name, subpath] as const)))('%s export "%s"', (name, subpath) => {
  it('imports no Node built-in (browser-safe)', () => {
    // No bare import at all is fine (a client may bundle what it needs); the walker's reach is proven below on events/node.
    expect(reachableImports(packed.find((p) => p.name === name)!, subpath).filter(isNodeBuiltin)).toEqual([]);
  });
});

describe('the runner and its suites as published', () => {
  const tarball = (name: string) => packed.find((p) => p.name === name)!;

  it('@cleanapp/smoke-kit: the bin and dist/cli.js ship, no tsx at run time, the embedded stack an optional peer, the suites a dependency', () => {
    const kit = tarball('@cleanapp/smoke-kit');
    const manifest = manifestOf(kit);
    const files = readTarball(kit.tarball).map((f) => f.path);
    expect(manifest.bin).toEqual({ 'cleanapp-smoke': './bin/smoke.mjs' });
    expect(files).toEqual(expect.arrayContaining(['bin/smoke.mjs', 'dist/cli.js']));
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.dependencies)).not.toContain('@cleanapp/reference-stack');
    expect(manifest.dependencies['@cleanapp/smoke-suites']).toBe(manifest.version);
    expect(manifest.peerDependencies['@cleanapp/reference-stack']).toBeDefined();
    expect(manifest.peerDependenciesMeta['@cleanapp/reference-stack']).toEqual({ optional: true });
    // The bin imports tsx only when src/cli.ts exists (this workspace); the tarball has no src/.
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
    expect(readTarball(kit.tarball).find((f) => f.path === 'dist/cli.js')!.data.toString('utf8')).not.toMatch(/["']tsx/);
  });

  it('@cleanapp/smoke-suites: each suite as JavaScript with its smoke metadata, the runner a peer', () => {
    const suites = tarball('@cleanapp/smoke-suites');
    const files = new Map(readTarball(suites.tarball).map((f) => [f.path, f.data.toString('utf8')]));
    const health = JSON.parse(files.get('dist/health/package.json')!) as Record<string, unknown>;
    const source = JSON.parse(readFileSync(join(repoRoot, 'suites/health/package.json'), 'utf8')) as Record<string, unknown>;
    expect(health).toMatchObject({ type: 'module', description: source.description, smoke: source.smoke });
    expect([...files.keys()].filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['dist/health/health.test.js', 'dist/ingest/ingest.test.js', 'dist/contracts/contracts.test.js']));
    expect(Object.keys(manifestOf(suites).peerDependencies)).toEqual(['@cleanapp/smoke-kit']);
  });
});

it('@cleanapp/mocks takes msw as a peer (the app\'s own copy, no duplicate), not as a dependency', () => {
  const manifest = manifestOf(packed.find((p) => p.name === '@cleanapp/mocks')!);
  expect(Object.keys(manifest.dependencies ?? {})).not.toContain('msw');
  expect(manifest.peerDependencies?.msw).toMatch(/^\^2/);
});

it('the Node-only entries do import Node built-ins (the browser-safety check sees them)', () => {
  const events = packed.find((p) => p.name === '@cleanapp/events')!;
  expect(reachableImports(events, './node').filter(isNodeBuiltin)).not.toEqual([]);
});

describe('sizes: what an app ships and what npm downloads', () => {
  let unpacked: { dir: string; nodePaths: string[] };
  beforeAll(() => {
    unpacked = unpackForBundling(packed.filter((p) => p.appFacing), join(scratch, 'bundle'));
  });

  it.each(publishedPackages.map((p) => [p.name, p] as const))('%s is under its committed size limit', async (_name, spec) => {
    const pkg = packed.find((p) => p.name === spec.name)!;
    // App-facing: the main entry's minified+gzipped browser bundle (what an app ships); else the tarball.
    const size = spec.appFacing ? (await measureBundle(`export * from '${spec.name}';`, unpacked, spec.bundleExternal)).gzipped : pkg.size;
    expect(size, `${spec.appFacing ? 'gzipped main-entry bundle' : 'tarball'} of ${spec.name}`).toBeLessThan(spec.sizeLimit);
  });

  it('the README bundle-size blocks state the sizes of today\'s typical REST and GraphQL imports (within 5% or 0.3 kB)', async () => {
    const sizes = await measureTypicalImports(packed.filter((p) => p.appFacing));
    for (const { file, ids } of bundleSizeReadmes) {
      const stated = readBundleSizeBlock(readReadme(file));
      for (const id of ids) {
        for (const key of ['minified', 'gzipped'] as const) {
          const tolerance = Math.max(300, sizes[id][key] * 0.05);
          expect(stated[id]?.[key], `${file}: ${id} ${key} (run pnpm --filter @cleanapp/package-checks run bundle-size)`).toBeGreaterThan(sizes[id][key] - tolerance);
          expect(stated[id]?.[key], `${file}: ${id} ${key} (run pnpm --filter @cleanapp/package-checks run bundle-size)`).toBeLessThan(sizes[id][key] + tolerance);
        }
      }
    }
  });

  it('no graphql-js in the typical GraphQL import nor in the whole graphql-client entry (Metro does not tree-shake)', async () => {
    const { graphql, rest } = await measureTypicalImports(packed.filter((p) => p.appFacing));
    expect(graphql.code).not.toMatch(graphqlJsMarker);
    expect(rest.code).not.toMatch(graphqlJsMarker);
    const everything = await measureBundle("export * from '@cleanapp/graphql-client';", unpacked);
    expect(everything.code).toContain('query ReportById');
    expect(everything.code).not.toMatch(graphqlJsMarker);
  });
});

describe('the checks find problems', () => {
  async function fixtureTarball(files: Record<string, string>): Promise<PackedPackage> {
    const dir = join(scratch, `fixture-${Object.keys(files).length}-${Date.now()}`);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const { stdout } = await run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', dir], { cwd: dir });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    return { name: 'broken', dir, tarball: join(dir, filename), size: 0, sizeLimit: 0 };
  }

  it('publint flags exports that put types last and point at a missing declaration file', async () => {
    const broken = await fixtureTarball({
      'package.json': JSON.stringify({ name: 'broken', version: '1.0.0', type: 'module', exports: { '.': { default: './index.js', types: './index.d.ts' } } }),
      'index.js': 'export const answer = 42;\n',
    });
    expect((await runPublint(broken)).join('\n')).toMatch(/types/);
  });

  it('attw (esm-only profile) flags ESM JavaScript typed by a CommonJS declaration file', async () => {
    const broken = await fixtureTarball({
      'package.json': JSON.stringify({ name: 'broken', version: '1.0.0', type: 'module', exports: { '.': { types: './index.d.cts', default: './index.js' } } }),
      'index.js': 'export const answer = 42;\n',
      'index.d.cts': 'export declare const answer: number;\n',
    });
    expect((await runAttw(broken)).join('\n')).toMatch(/FalseCJS/);
  });

  it('attw (node16 profile, chosen for a package with require conditions) flags CommonJS typed as ESM', async () => {
    const broken = await fixtureTarball({
      'package.json': JSON.stringify({
        name: 'broken',
        version: '1.0.0',
        type: 'module',
        exports: { '.': { import: { types: './index.d.ts', default: './index.js' }, require: { types: './index.d.ts', default: './index.cjs' } } },
      }),
      'index.js': 'export const answer = 42;\n',
      'index.cjs': 'exports.answer = 42;\n',
      'index.d.ts': 'export declare const answer: number;\n',
    });
    const problems = (await runAttw(broken)).join('\n');
    expect(problems).toMatch(/^attw \(node16\)/);
    expect(problems).toMatch(/Masquerading as ESM|FalseESM/);
  });

  it('the types-first check looks into nested import/require conditions', () => {
    expect(typesFirstProblems({ import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } }, 'x')).toEqual([]);
    expect(typesFirstProblems({ import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { default: './dist/index.cjs', types: './dist/index.d.cts' } }, 'x')).toEqual([
      'x.require: "types" must come first, not ["default","types"]',
    ]);
    expect(typesFirstProblems({ require: { default: './dist/index.cjs' } }, 'x')).toEqual(['x.require: "types" must come first, not ["default"]']);
    expect(declaresRequire({ '.': { import: './a.js', require: { types: './a.d.cts', default: './a.cjs' } } })).toBe(true);
    expect(declaresRequire({ '.': { types: './a.d.ts', default: './a.js' } })).toBe(false);
  });

  it('the graphql-js marker is found in a bundle that uses graphql-js (and not in one that does not)', async () => {
    const withGraphql = await measureBundle("import { parse } from 'graphql'; export const ast = (q) => parse(q);", { dir: scratch, nodePaths: [join(repoRoot, 'node_modules/.pnpm/node_modules')] });
    expect(withGraphql.code).toMatch(graphqlJsMarker);
    const plain = await measureBundle("export const q = (s) => JSON.stringify({ query: s });", { dir: scratch, nodePaths: [] });
    expect(plain.code).not.toMatch(graphqlJsMarker);
  });

  it('the host scan flags a local URL in code but not in a contract server entry', async () => {
    const pkg = await fixtureTarball({
      'package.json': JSON.stringify({ name: 'hosts', version: '1.0.0', type: 'module' }),
      'index.js': "export const base = 'http://localhost:8080';\n",
      'openapi.json': JSON.stringify({ servers: [{ url: 'http://127.0.0.1:8080' }], info: { description: 'see http://127.0.0.1:9' } }),
    });
    expect(scanHosts(pkg)).toEqual([
      'hard-coded host "localhost" in index.js:1: export const base = \'http://localhost:8080\';',
      'hard-coded host in openapi.json#/info/description: see http://127.0.0.1:9',
    ]);
    // An allowed line (a loopback address of a process the package starts) is left out, the rest still counts.
    expect(scanHosts({ ...pkg, localHostLines: [{ pattern: /localhost:8080/, why: 'test' }] })).toEqual(['hard-coded host in openapi.json#/info/description: see http://127.0.0.1:9']);
  });
});

it('the contract-change test regenerates api-client types exactly like packages/api-client/scripts/generate.ts', async () => {
  const committed = readFileSync(join(repoRoot, 'packages/api-client/src/generated/schema.ts'), 'utf8');
  expect(await generateApiTypes(contractPaths.openapi)).toBe(committed);
});
