import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publishedPackages, repoRoot, type PublishedPackage } from './packages.js';

const run = promisify(execFile);

export interface PackedPackage extends PublishedPackage {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Size of the .tgz in bytes. */
  size: number;
}

/** `pnpm run build` in every published package (pnpm runs them in dependency order). */
export async function buildPackages(packages: PublishedPackage[] = publishedPackages): Promise<void> {
  const filters = packages.flatMap((p) => ['--filter', p.name]);
  await run('pnpm', [...filters, '--reporter=append-only', 'run', 'build'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * `pnpm pack` of each package into `destination` (a fresh temp dir by default). pnpm applies
 * `publishConfig` (exports/main/types -> dist) and rewrites `workspace:*` and `catalog:` ranges.
 */
export async function packPackages(
  packages: PublishedPackage[] = publishedPackages,
  destination = mkdtempSync(join(tmpdir(), 'cleanapp-pack-')),
): Promise<PackedPackage[]> {
  return Promise.all(
    packages.map(async (pkg) => {
      const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: join(repoRoot, pkg.dir) });
      const { filename } = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string };
      return { ...pkg, tarball: filename, size: statSync(filename).size };
    }),
  );
}
