// Inside the cleanapp-platform workspace: whether the runner can load the workspace packages as they are
// published (each @cleanapp package's dist/, through its publishConfig.exports) instead of their TypeScript
// sources through tsx. tsx's loader hooks cost several CPU-seconds a run (every import of vitest, vite, the
// stack's GraphQL and database libraries passes through them); the built JavaScript needs no hooks but a
// one-line resolve hook (published-exports.mjs). A dist/ older than any of its package's sources is stale:
// the caller then runs the sources, so a stale build never answers for edited code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The export condition under which each workspace package.json points at its dist/ (the file its
 * publishConfig.exports names; publishing replaces those exports): `node --conditions=cleanapp-dist`
 * loads the workspace as published without a resolve hook.
 */
export const DIST_CONDITION = 'cleanapp-dist';

/** Packages the runner process itself never imports: the suites run in vitest's workers, transformed by vite. */
const NOT_IMPORTED = new Set(['@cleanapp/smoke-suites']);

/** The ESM file a published exports entry points to: conditional entries only (JSON, patterns stay as they are). */
function esmTarget(entry) {
  if (entry === null || typeof entry !== 'object') return undefined;
  const chosen = entry.import ?? entry.default;
  return typeof chosen === 'string' ? chosen : esmTarget(chosen);
}

/**
 * `name` and the @cleanapp packages it loads at run time (dependencies and peers, transitively, but not
 * those in `skip`), each with its folder and the published exports that point into dist/ (subpath → file URL).
 */
export function runtimePackages(name, fromDir, skip = NOT_IMPORTED) {
  const found = new Map();
  const visit = (pkgName, dir) => {
    if (found.has(pkgName) || skip.has(pkgName)) return;
    const manifestFile = createRequire(join(dir, 'noop.js')).resolve(`${pkgName}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const pkgDir = dirname(manifestFile);
    const exports = {};
    for (const [subpath, entry] of Object.entries(manifest.publishConfig?.exports ?? {})) {
      const file = esmTarget(entry);
      if (file) exports[subpath] = pathToFileURL(join(pkgDir, file)).href;
    }
    found.set(pkgName, { name: pkgName, dir: pkgDir, exports });
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (dep.startsWith('@cleanapp/')) visit(dep, pkgDir);
    }
  };
  visit(name, fromDir);
  return [...found.values()];
}

/** Newest modification time of a package's non-test sources (src/ and its tsup config). */
function newestSource(dir) {
  let newest = 0;
  const src = join(dir, 'src');
  const files = existsSync(src) ? readdirSync(src, { recursive: true }).map((f) => join(src, f)) : [];
  for (const file of [...files, join(dir, 'tsup.config.ts')]) {
    if (/\.test\.[cm]?[jt]sx?$/.test(file) || !existsSync(file)) continue;
    const stat = statSync(file);
    if (stat.isFile()) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/** Why each package's published files cannot stand in for its sources (not built, or older than a source); empty when all can. */
export function staleBuilds(packages) {
  const problems = [];
  for (const pkg of packages) {
    const files = Object.values(pkg.exports).map((url) => new URL(url));
    if (files.length === 0 || !files.every((f) => existsSync(f))) problems.push(`${pkg.name} is not built`);
    else if (Math.min(...files.map((f) => statSync(f).mtimeMs)) < newestSource(pkg.dir)) problems.push(`the build of ${pkg.name} is older than its sources`);
  }
  return problems;
}

/**
 * The packages the suites import whose build is fresh: vitest's vite resolves them to dist/ (plain JavaScript,
 * no TypeScript transform); the others stay on src/, which vite compiles itself. `complete` when every one
 * is fresh: then vitest's workers may load them natively (`--conditions=cleanapp-dist`), since no dist/
 * file can reach a package that only has TypeScript.
 */
export function freshSuitePackages(fromDir) {
  const all = runtimePackages('@cleanapp/smoke-suites', fromDir, new Set()).filter((p) => Object.keys(p.exports).length > 0);
  const packages = all.filter((p) => staleBuilds([p]).length === 0);
  return { packages, complete: packages.length === all.length };
}
