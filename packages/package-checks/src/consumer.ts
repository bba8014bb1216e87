// A throwaway consumer app outside the workspace that installs the packed tarballs with npm,
// as a user of the published packages would.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPackages, packPackages, type PackedPackage } from './pack.js';
import { publishedPackages, repoRoot } from './packages.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const consumerFixture = fileURLToPath(new URL('../test/fixtures/consumer/', import.meta.url));
/** The @types/node the consumer compiles with (the workspace's catalog pin). */
export const typesNodeVersion = (require('@types/node/package.json') as { version: string }).version;
const tscBin = require.resolve('typescript/bin/tsc');

/** The environment without the npm_* variables pnpm sets for its scripts (they would reconfigure npm). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_UPDATE_NOTIFIER: '1', ...extra };
}

export interface CommandResult {
  code: number;
  /** stdout followed by stderr. */
  output: string;
  stdout: string;
}

export async function command(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: cleanEnv(env), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}`, stdout };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message, stdout: e.stdout ?? '' };
  }
}

export async function npmInstall(dir: string, specs: string[]): Promise<void> {
  const result = await command('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir);
  if (result.code !== 0) throw new Error(`npm install in ${dir} failed:\n${result.output}`);
}

/**
 * A fresh app in the OS temp dir with every tarball installed and, unless `fixture` is false, the
 * TypeScript consumer fixture (and @types/node) to typecheck and run.
 */
export async function createConsumerApp(packed: PackedPackage[], { fixture = true }: { fixture?: boolean } = {}): Promise<string> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cleanapp-consumer-')));
  if (dir.startsWith(realpathSync(repoRoot))) throw new Error(`consumer app ${dir} must be outside the workspace`);
  if (fixture) cpSync(consumerFixture, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'cleanapp-consumer', private: true, type: 'module' }, null, 2)}\n`);
  // All tarballs in one install: events' dependency on @cleanapp/contracts@<version> is satisfied by the local one.
  const ordered = publishedPackages.map((p) => packed.find((x) => x.name === p.name)).filter((p): p is PackedPackage => !!p);
  await npmInstall(dir, [...ordered.map((p) => p.tarball), ...(fixture ? [`@types/node@${typesNodeVersion}`] : [])]);
  return dir;
}

/** `tsc -p .` in the app with the workspace's TypeScript (strict, NodeNext, skipLibCheck off). */
export function typecheck(dir: string, emit = false): Promise<CommandResult> {
  return command(process.execPath, [tscBin, '-p', '.', ...(emit ? [] : ['--noEmit']), '--pretty', 'false'], dir);
}

export function copyApp(dir: string): string {
  const copy = realpathSync(mkdtempSync(join(tmpdir(), 'cleanapp-consumer-changed-')));
  cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

// dist/, not dist/index.js: @cleanapp/smoke-suites ships compiled suites and no index.
export const hasBuild = (pkgDir: string) => existsSync(join(repoRoot, pkgDir, 'dist'));

/**
 * A fresh, empty project in the OS temp dir (never inside the workspace, so nothing resolves from it),
 * with `manifest` as its package.json and `fixtureDir`'s files copied in.
 */
export function createScratchProject(prefix: string, manifest: Record<string, unknown>, fixtureDir?: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `cleanapp-${prefix}-`)));
  if (dir.startsWith(realpathSync(repoRoot))) throw new Error(`scratch project ${dir} must be outside the workspace`);
  if (fixtureDir) cpSync(fixtureDir, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, ...manifest }, null, 2)}\n`);
  return dir;
}

/** Every package in an npm project's package-lock.json: its name and where npm got it from. */
export function lockedPackages(dir: string): { name: string; resolved?: string }[] {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; name?: string }> };
  return Object.entries(lock.packages)
    .filter(([path]) => path.includes('node_modules/'))
    .map(([path, entry]) => ({ name: entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), resolved: entry.resolved }));
}

/** The packed tarballs of `names` (built first if a package has no dist yet), in a fresh temp dir. */
export async function packOnly(names: string[]): Promise<PackedPackage[]> {
  const packages = names.map((name) => {
    const pkg = publishedPackages.find((p) => p.name === name);
    if (!pkg) throw new Error(`${name} is not in publishedPackages`);
    return pkg;
  });
  if (!packages.every((p) => hasBuild(p.dir))) await buildPackages(packages);
  return packPackages(packages);
}
