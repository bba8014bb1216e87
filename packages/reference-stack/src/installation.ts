// Where this package runs from: this repo's checkout (src/, through tsx or vitest) or an installed copy
// (dist/, under node_modules). Found through the package's own exports rather than a relative path, so
// it holds wherever the bundler puts this module (src/, a dist/ chunk or entry).
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
const manifestPath = require.resolve('@cleanapp/reference-stack/package.json');

/** This package's directory, symlinks resolved (pnpm links workspace and store packages). */
export const packageRoot = realpathSync(dirname(manifestPath));

/** The package's own package.json. */
export const packageManifest = require(manifestPath) as { name: string; version: string };

/** Installed as a dependency (npm, pnpm or yarn put it under a node_modules directory), not this repo's checkout. */
export const installedAsDependency = packageRoot.split(sep).includes('node_modules');

/**
 * The directory whose `.stack/` holds the target files: the repo root in this checkout (where the
 * smoke runner and the docs look), the working directory when installed (a service repo running `npx cleanapp-stack`).
 */
export function stateDir(cwd: string = process.cwd()): string {
  return installedAsDependency ? cwd : resolve(packageRoot, '../..');
}
