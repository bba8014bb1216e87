import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findClones, findCycles, sourceRoots } from '../src/checks.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('findCycles', () => {
  it('finds a cycle that closes through a type-only import', async () => {
    const cycles = await findCycles({ name: 'fixture', dir: fixture('cycle') });
    expect(cycles).toEqual([{ root: 'fixture', files: ['a.ts', 'b.ts', 'c.ts'] }]);
  });
});

describe('findClones', () => {
  it('finds a block written twice under other names', () => {
    const clones = findClones(repoRoot, [fixture('clone')], { ignore: ['**/node_modules/**'] });
    expect(clones).toHaveLength(1);
    expect([clones[0]!.first, clones[0]!.second].sort().map((s) => s.replace(/:\d+-\d+$/, ''))).toEqual([
      'packages/structure-checks/test/fixtures/clone/cors.ts',
      'packages/structure-checks/test/fixtures/clone/request-id.ts',
    ]);
  });

  it('leaves fixtures out of a repo scan', () => {
    expect(findClones(repoRoot, [fixture('clone')])).toEqual([]);
  });
});

describe('sourceRoots', () => {
  it('covers every package, every suite, contracts and tests', () => {
    const names = sourceRoots(repoRoot).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['contracts', 'tests', 'packages/reference-stack', 'packages/structure-checks', 'suites/health']));
  });
});
