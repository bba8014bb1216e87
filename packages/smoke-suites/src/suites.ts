// The suites of this repository (suites/*) as this package ships them: each test file compiled to one
// JavaScript file (imports of packages left as they are), next to a package.json holding the suite's
// description and `smoke` metadata, so the cleanapp-smoke runner can run them from node_modules.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const packageDir = fileURLToPath(new URL('../', import.meta.url));
export const suitesSource = fileURLToPath(new URL('../../../suites/', import.meta.url));
export const distDir = join(packageDir, 'dist');

/** The package the suites import their helpers from: the runner, which installs this package. */
export const HOST_PACKAGE = '@cleanapp/smoke-kit';

export interface SuiteManifest {
  name: string;
  description?: string;
  dependencies?: Record<string, string>;
  smoke?: { auth?: boolean; tags?: string[]; services?: string[] };
}

export interface SourceSuite {
  /** Folder name = the suite name the runner selects with --suite. */
  name: string;
  dir: string;
  /** Test files relative to `dir`. */
  testFiles: string[];
  manifest: SuiteManifest;
}

function testFilesIn(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : testFilesIn(join(dir, e.name), base);
    return e.isFile() && e.name.endsWith('.test.ts') ? [relative(base, join(dir, e.name))] : [];
  });
}

/** Every folder of suites/ with test files, sorted by name. */
export function sourceSuites(root = suitesSource): SourceSuite[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => ({ name: e.name, dir: join(root, e.name) }))
    .map((s) => ({ ...s, testFiles: testFilesIn(s.dir).sort() }))
    .filter((s) => s.testFiles.length > 0)
    .map((s) => ({ ...s, manifest: JSON.parse(readFileSync(join(s.dir, 'package.json'), 'utf8')) as SuiteManifest }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What the suites import at run time, with their workspace ranges: the union of their dependencies but the host. */
export function requiredDependencies(suites = sourceSuites()): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const s of suites) {
    for (const [name, range] of Object.entries(s.manifest.dependencies ?? {})) {
      if (name === HOST_PACKAGE) continue;
      if (deps[name] !== undefined && deps[name] !== range) throw new Error(`suites disagree on the range of ${name}: ${deps[name]} and ${range} (${s.name})`);
      deps[name] = range;
    }
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

/** Compiles every suite into `out` (`<suite>/<file>.test.js` + `<suite>/package.json`); returns the files written. */
export async function buildSuites(out = distDir, suites = sourceSuites()): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  const written: string[] = [];
  for (const s of suites) {
    const dest = join(out, s.name);
    mkdirSync(dest, { recursive: true });
    // One output per test file, nothing bundled: packages stay imports, resolved from the consumer's node_modules.
    const result = await build({
      entryPoints: s.testFiles.map((f) => join(s.dir, f)),
      outbase: s.dir,
      outdir: dest,
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: true,
      metafile: true,
      logLevel: 'error',
    });
    written.push(...Object.keys(result.metafile.outputs).map((f) => relative(out, join(process.cwd(), f))));
    // `type: module` makes the .js files ESM here; the runner reads description and `smoke` from this file.
    const { description, smoke } = s.manifest;
    writeFileSync(join(dest, 'package.json'), `${JSON.stringify({ name: s.manifest.name, private: true, type: 'module', description, smoke }, null, 2)}\n`);
    written.push(join(s.name, 'package.json'));
  }
  return written.sort();
}
