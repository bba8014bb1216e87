// `pnpm lint` runs this over the whole repo: every workspace folder must be free of import cycles, and
// no block of code may stand twice (renamed or not). Exit 1 with one line per finding.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findClones, findCycles, sourceRoots } from './checks.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const roots = sourceRoots(repoRoot);

const cycles = (await Promise.all(roots.map(findCycles))).flat();
for (const c of cycles) console.error(`${c.root}: import cycle ${[...c.files, c.files[0]].join(' → ')}`);

const clones = findClones(repoRoot, roots.map((r) => r.dir));
for (const c of clones) console.error(`repeated block (${c.lines} lines, ${c.tokens} tokens): ${c.first} ~ ${c.second}`);

const summary = `${roots.length} workspace folders: ${cycles.length} import cycle${cycles.length === 1 ? '' : 's'}, ${clones.length} repeated block${clones.length === 1 ? '' : 's'}`;
if (cycles.length + clones.length > 0) {
  console.error(`structure-checks: ${summary}`);
  process.exit(1);
}
console.log(`structure-checks: ${summary}`);
