import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import type { PackedPackage } from './pack.js';
import { readTarball } from './tarball.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** publint on the tarball itself; every message (error, warning, suggestion) counts as a problem. */
export async function runPublint(pkg: PackedPackage): Promise<string[]> {
  const tarball = readFileSync(pkg.tarball);
  const { messages, pkg: manifest } = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
    level: 'suggestion',
  });
  return messages.map((m) => `publint ${m.type}: ${formatMessage(m, manifest, { color: false }) ?? m.code}`);
}

const attwBin = join(dirname(require.resolve('@arethetypeswrong/cli/package.json')), 'dist/index.js');

/** An `exports` value: a path, or conditions (possibly nested: `{ import: { types, default }, require: { … } }`). */
export type ExportTarget = string | null | { [condition: string]: ExportTarget };

/** Every path an export target can resolve to, under any condition. */
export function exportPaths(target: ExportTarget): string[] {
  if (typeof target === 'string') return [target];
  if (!target) return [];
  return Object.values(target).flatMap(exportPaths);
}

/**
 * Condition objects that name a file (or `types`) without `types` as their first key, at every nesting
 * level (`{ import: { types, default }, require: { types, default } }` is fine): TypeScript takes the
 * first matching condition, so `types` after `default` is never seen. `where` names the place.
 */
export function typesFirstProblems(target: ExportTarget, where: string): string[] {
  if (!target || typeof target === 'string') return [];
  const keys = Object.keys(target);
  const namesFile = keys.includes('types') || Object.values(target).some((v) => typeof v === 'string');
  const own = !namesFile || keys[0] === 'types' ? [] : [`${where}: "types" must come first, not ${JSON.stringify(keys)}`];
  return [...own, ...keys.filter((k) => k !== 'types').flatMap((k) => typesFirstProblems(target[k]!, `${where}.${k}`))];
}

/** Whether the manifest's exports offer CommonJS (`require`) anywhere: a dual package. */
export function declaresRequire(exports: unknown): boolean {
  if (!exports || typeof exports !== 'object') return false;
  return Object.entries(exports).some(([key, value]) => key === 'require' || declaresRequire(value));
}

/** Resolves a target as Node's algorithm does: the first key (in order) that is a given condition or `default`. */
export function resolveExport(target: ExportTarget | undefined, conditions: string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (!target) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (key !== 'default' && !conditions.includes(key)) continue;
    const resolved = resolveExport(value, conditions);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

/**
 * attw on the tarball. A dual package (one with `require` conditions) gets the `node16` profile:
 * node16 from CommonJS, node16 from ESM and bundler are all checked (node10 is not: subpaths like
 * `./node` need `exports`). An ESM-only package gets `esm-only` (node16-from-CJS is not expected to
 * work). Data subpaths (.graphql) are excluded.
 */
export async function runAttw(pkg: PackedPackage): Promise<string[]> {
  const manifest = JSON.parse(readTarball(pkg.tarball).find((f) => f.path === 'package.json')?.data.toString('utf8') ?? '{}') as { exports?: unknown };
  const profile = declaresRequire(manifest.exports) ? 'node16' : 'esm-only';
  const args = [attwBin, pkg.tarball, '--profile', profile, '--format', 'ascii', '--no-color', '--no-emoji'];
  if (pkg.dataEntrypoints?.length) args.push('--exclude-entrypoints', ...pkg.dataEntrypoints);
  try {
    await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
    return [];
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message;
    return [`attw (${profile}): ${output.split('\n').join('\n    ')}`];
  }
}

/** Hosts a published file must not hard-code: the target decides where the API lives. */
export const forbiddenHosts = /\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0)\b|\[::1\]/g;

/**
 * JSON locations that describe *where a server may run* in the contract documents (OpenAPI
 * `servers[].url`, AsyncAPI `servers.*.host` and OAuth `tokenUrl`s). They are data about the reference
 * stack, not something code reads (clients take the base URL from their caller), so they are allowed;
 * a local host anywhere else in those documents, and anywhere in code or types, is a problem. The
 * dereferenced documents repeat servers and security schemes where they are used, hence suffix matches.
 */
export const allowedHostLocations: RegExp[] = [
  /(?:^|\/)servers\/\d+\/url$/,
  /(?:^|\/)servers\/[^/]+\/host$/,
  /\/flows\/[^/]+\/(?:tokenUrl|authorizationUrl|refreshUrl)$/,
];

function jsonStrings(value: unknown, pointer: string, out: { pointer: string; value: string }[]): void {
  if (typeof value === 'string') out.push({ pointer, value });
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) jsonStrings(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  }
}

/**
 * Hard-coded local hosts in the files of a tarball: `file:line` for text, `file#/pointer` for JSON. Text lines
 * matching one of the package's `localHostLines` are allowed.
 */
export function scanHosts(pkg: Pick<PackedPackage, 'tarball' | 'localHostLines'>): string[] {
  const problems: string[] = [];
  for (const file of readTarball(pkg.tarball)) {
    const text = file.data.toString('utf8');
    const anyHost = new RegExp(forbiddenHosts.source);
    if (!anyHost.test(text)) continue;
    if (file.path.endsWith('.json')) {
      const strings: { pointer: string; value: string }[] = [];
      jsonStrings(JSON.parse(text), '', strings);
      for (const { pointer, value } of strings) {
        if (!anyHost.test(value) || allowedHostLocations.some((re) => re.test(pointer))) continue;
        problems.push(`hard-coded host in ${file.path}#${pointer}: ${value.slice(0, 160)}`);
      }
      continue;
    }
    text.split('\n').forEach((line, i) => {
      if (pkg.localHostLines?.some(({ pattern }) => pattern.test(line))) return;
      for (const match of line.matchAll(forbiddenHosts)) {
        problems.push(`hard-coded host "${match[0]}" in ${file.path}:${i + 1}: ${line.trim().slice(0, 160)}`);
      }
    });
  }
  return problems;
}

/**
 * The bare imports reachable from an export subpath's JavaScript inside the tarball (relative imports
 * are followed), e.g. to prove a browser entry pulls in no Node built-in.
 */
export function reachableImports(pkg: Pick<PackedPackage, 'tarball'>, subpath: string): string[] {
  const files = new Map(readTarball(pkg.tarball).map((f) => [f.path, f.data.toString('utf8')]));
  const manifest = JSON.parse(files.get('package.json') ?? '{}') as { exports?: Record<string, ExportTarget> };
  // What a browser bundler picks (esbuild, Vite, webpack with platform browser).
  const entry = resolveExport(manifest.exports?.[subpath], ['browser', 'import', 'module']);
  if (!entry) throw new Error(`${subpath} is not exported`);
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = files.get(file);
    if (code === undefined) throw new Error(`${file} is imported but not in the tarball`);
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
      if (spec!.startsWith('.')) visit(posix.normalize(posix.join(posix.dirname(file), spec!)));
      else bare.add(spec!);
    }
  };
  visit(posix.normalize(entry));
  return [...bare].sort();
}

export const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

export interface PackageReport {
  name: string;
  tarball: string;
  size: number;
  problems: string[];
}

export async function checkPackage(pkg: PackedPackage): Promise<PackageReport> {
  const [publintProblems, attwProblems] = await Promise.all([runPublint(pkg), runAttw(pkg)]);
  const builtins = (pkg.browserSafe ?? []).flatMap((subpath) =>
    reachableImports(pkg, subpath)
      .filter(isNodeBuiltin)
      .map((b) => `browser-safe entry "${subpath}" imports the Node built-in "${b}"`),
  );
  return { name: pkg.name, tarball: pkg.tarball, size: pkg.size, problems: [...publintProblems, ...attwProblems, ...(pkg.localHosts ? [] : scanHosts(pkg)), ...builtins] };
}
