// pnpm --filter @cleanapp/package-checks run bundle-size [--no-build]
// Builds and packs the app-facing packages, bundles a typical REST and a typical GraphQL import with esbuild
// (browser, minified), gzips them and rewrites the <!-- bundle-size --> blocks of the READMEs that show them.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleSizeBlock, bundleSizeReadmes, graphqlJsMarker, kB, measureTypicalImports, readmePath, readReadme, writeBundleSizeBlock } from './bundle-size.js';
import { buildPackages, packPackages } from './pack.js';
import { appFacing } from './packages.js';

if (!process.argv.includes('--no-build')) await buildPackages(appFacing);
const packed = await packPackages(appFacing);
try {
  const sizes = await measureTypicalImports(packed);
  for (const [id, size] of Object.entries(sizes)) {
    console.log(`${id}: ${kB(size.minified)} minified, ${kB(size.gzipped)} gzipped${graphqlJsMarker.test(size.code) ? ' (graphql-js inside!)' : ''}`);
  }
  for (const { file, ids } of bundleSizeReadmes) {
    const before = readReadme(file);
    const after = writeBundleSizeBlock(before, bundleSizeBlock(sizes, ids));
    if (after !== before) writeFileSync(readmePath(file), after);
    console.log(`${after === before ? 'unchanged' : 'updated'} ${file}`);
  }
} finally {
  rmSync(dirname(packed[0]!.tarball), { recursive: true, force: true });
}
