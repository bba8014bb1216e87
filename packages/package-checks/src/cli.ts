// pnpm --filter @cleanapp/package-checks run check [--no-build] [--keep]
// Builds (unless --no-build: turbo's `lint` already depends on ^build), packs every published package
// into a temp dir, and runs publint, attw (node16 profile for dual ESM/CJS packages, esm-only for the rest) and the hard-coded-host scan on each tarball.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkPackage } from './checks.js';
import { buildPackages, packPackages } from './pack.js';
import { publishedPackages } from './packages.js';

const args = process.argv.slice(2);
const started = Date.now();
if (!args.includes('--no-build')) {
  console.log(`building ${publishedPackages.map((p) => p.name).join(', ')}`);
  await buildPackages();
}
const packed = await packPackages();
const reports = await Promise.all(packed.map(checkPackage));
let problems = 0;
for (const report of reports) {
  const kb = (report.size / 1024).toFixed(1);
  if (report.problems.length === 0) {
    console.log(`ok   ${report.name} (${kb} KB packed)`);
    continue;
  }
  problems += report.problems.length;
  console.log(`FAIL ${report.name} (${kb} KB packed): ${report.problems.length} problem(s)`);
  for (const p of report.problems) console.log(`  - ${p}`);
}
if (args.includes('--keep')) console.log(`tarballs kept in ${dirname(packed[0]!.tarball)}`);
else rmSync(dirname(packed[0]!.tarball), { recursive: true, force: true });
console.log(`${reports.length} package(s), ${problems} problem(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = problems > 0 ? 1 : 0;
