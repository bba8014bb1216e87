import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import madge from 'madge';

/** A source folder checked on its own: import cycles are looked for inside it. */
export interface SourceRoot {
  /** Workspace folder relative to the repo root, e.g. `packages/events`. */
  name: string;
  dir: string;
}

export interface Cycle {
  root: string;
  /** Files of the cycle, relative to the root's folder, in import order. */
  files: string[];
}

export interface Clone {
  lines: number;
  tokens: number;
  first: string;
  second: string;
}

const IGNORED = ['**/node_modules/**', '**/generated/**', '**/dist/**', '**/fixtures/**', '**/*.test.ts', '**/*.d.ts'];

/** Every workspace folder of the repo that holds TypeScript: packages/*, suites/*, contracts, tests. */
export function sourceRoots(repoRoot: string): SourceRoot[] {
  const roots: SourceRoot[] = [];
  for (const group of ['packages', 'suites']) {
    const base = join(repoRoot, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'package.json'))) roots.push({ name: `${group}/${entry.name}`, dir: join(base, entry.name) });
    }
  }
  for (const single of ['contracts', 'tests']) if (existsSync(join(repoRoot, single, 'package.json'))) roots.push({ name: single, dir: join(repoRoot, single) });
  return roots;
}

/** Import cycles inside one folder (type-only imports count: they couple the modules just the same). */
export async function findCycles(root: SourceRoot): Promise<Cycle[]> {
  const graph = await madge(root.dir, {
    fileExtensions: ['ts', 'mts'],
    excludeRegExp: [/node_modules/, /[\\/]dist[\\/]/, /[\\/]fixtures[\\/]/],
  });
  return graph.circular().map((files) => ({ root: root.name, files }));
}

/**
 * Repeated blocks across all the given folders, found by jscpd with identifiers ignored: a block copied
 * and renamed is the same concept written twice. Tests, generated code and fixtures are left out.
 */
export function findClones(repoRoot: string, dirs: string[], options: { minTokens?: number; ignore?: string[] } = {}): Clone[] {
  const out = mkdtempSync(join(tmpdir(), 'jscpd-'));
  try {
    const bin = createRequire(import.meta.url).resolve('jscpd/run-jscpd.js');
    const args = [bin, '--min-tokens', String(options.minTokens ?? 60), '--format', 'typescript', '--ignore-identifiers', '--ignore', (options.ignore ?? IGNORED).join(','), '--reporters', 'json', '--output', out, '--absolute', '--no-colors', ...dirs];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`jscpd failed (exit ${run.status}): ${run.stderr || run.stdout}`);
    const report = JSON.parse(readFileSync(join(out, 'jscpd-report.json'), 'utf8')) as {
      duplicates: { lines: number; tokens: number; firstFile: JscpdSpan; secondFile: JscpdSpan }[];
    };
    const where = (f: JscpdSpan) => `${relative(repoRoot, f.name)}:${f.start}-${f.end}`;
    return report.duplicates.map((d) => ({ lines: d.lines, tokens: d.tokens, first: where(d.firstFile), second: where(d.secondFile) }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface JscpdSpan {
  name: string;
  start: number;
  end: number;
}
