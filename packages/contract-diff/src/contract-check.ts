// `pnpm contract-check`: compares the working contracts with the ones the last released clients were
// built from, and fails when a breaking change has no major changeset for those clients.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { formatResult, type Format } from './format.js';
import { diffSources } from './index.js';
import type { DiffResult } from './types.js';

const run = promisify(execFile);

/** The bundled contracts a release of @cleanapp/contracts ships (paths inside the package). */
export const ARTEFACTS = ['generated/openapi.json', 'generated/asyncapi.json', 'generated/supergraph.graphql'] as const;
/** The packages released together with the contracts (a fixed changesets group). */
export const CLIENT_PACKAGES = ['@cleanapp/contracts', '@cleanapp/api-client', '@cleanapp/graphql-client', '@cleanapp/events', '@cleanapp/mocks'] as const;

export type Baseline = { kind: 'npm'; version: string } | { kind: 'git'; ref: string } | { kind: 'none'; why: string };

/**
 * The released contract: the newest `@cleanapp/contracts` on the registry, else the newest
 * `@cleanapp/contracts@*` git tag (what changesets tags on release), else none yet.
 */
export async function findBaseline(repoRoot: string, npmView = defaultNpmView): Promise<Baseline> {
  const tried: string[] = [];
  const version = await npmView('@cleanapp/contracts');
  if (version) return { kind: 'npm', version };
  tried.push('@cleanapp/contracts is not on the npm registry');
  try {
    const { stdout } = await run('git', ['tag', '--list', '@cleanapp/contracts@*', '--sort=-v:refname'], { cwd: repoRoot });
    const tag = stdout.split('\n').find(Boolean);
    if (tag) return { kind: 'git', ref: tag };
    tried.push('no @cleanapp/contracts@* git tag');
  } catch (error) {
    tried.push(`git tags unreadable: ${(error as Error).message}`);
  }
  return { kind: 'none', why: tried.join('; ') };
}

async function defaultNpmView(pkg: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('npm', ['view', pkg, 'version', '--json'], { timeout: 20_000 });
    return JSON.parse(stdout) as string;
  } catch {
    return undefined; // E404 (never published) or offline: fall back to git tags
  }
}

function baselineSpec(baseline: Exclude<Baseline, { kind: 'none' }>, artefact: string): string {
  return baseline.kind === 'npm' ? `npm:@cleanapp/contracts@${baseline.version}:${artefact}` : `git:${baseline.ref}:contracts/${artefact}`;
}

/** Bumps declared by pending changesets (`.changeset/*.md` front matter), per package. */
export function pendingBumps(repoRoot: string): Map<string, 'major' | 'minor' | 'patch'> {
  const dir = join(repoRoot, '.changeset');
  const bumps = new Map<string, 'major' | 'minor' | 'patch'>();
  if (!existsSync(dir)) return bumps;
  const rank = { patch: 0, minor: 1, major: 2 } as const;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const match = /^---\s*\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), 'utf8'));
    if (!match) continue;
    const front = (parseYaml(match[1]!) ?? {}) as Record<string, string>;
    for (const [pkg, bump] of Object.entries(front)) {
      if (bump !== 'major' && bump !== 'minor' && bump !== 'patch') continue;
      const prev = bumps.get(pkg);
      if (!prev || rank[bump] > rank[prev]) bumps.set(pkg, bump);
    }
  }
  return bumps;
}

export interface CheckResult {
  baseline: Baseline;
  results: { artefact: string; result: DiffResult }[];
  breaking: number;
  majorChangeset: boolean;
  ok: boolean;
}

export async function contractCheck(repoRoot: string, options: { baseline?: Baseline; npmView?: typeof defaultNpmView } = {}): Promise<CheckResult> {
  const baseline = options.baseline ?? (await findBaseline(repoRoot, options.npmView));
  if (baseline.kind === 'none') return { baseline, results: [], breaking: 0, majorChangeset: false, ok: true };
  const results = [];
  for (const artefact of ARTEFACTS) {
    const result = await diffSources(baselineSpec(baseline, artefact), join(repoRoot, 'contracts', artefact), { cwd: repoRoot });
    results.push({ artefact, result });
  }
  const breaking = results.reduce((n, r) => n + r.result.summary.breaking, 0);
  const bumps = pendingBumps(repoRoot);
  // The clients are one fixed version group: a major for any of them is a major for all.
  const majorChangeset = CLIENT_PACKAGES.some((p) => bumps.get(p) === 'major');
  return { baseline, results, breaking, majorChangeset, ok: breaking === 0 || majorChangeset };
}

export function describeBaseline(b: Baseline): string {
  return b.kind === 'npm' ? `@cleanapp/contracts@${b.version} (npm)` : b.kind === 'git' ? `${b.ref} (git tag)` : `none (${b.why})`;
}

export async function main(argv: string[], repoRoot: string): Promise<number> {
  const format = (argv.find((a) => a.startsWith('--format='))?.slice(9) ?? 'text') as Format;
  const baselineArg = argv.find((a) => a.startsWith('--baseline='))?.slice(11);
  const baseline: Baseline | undefined = baselineArg
    ? baselineArg.startsWith('npm:')
      ? { kind: 'npm', version: baselineArg.replace(/^npm:(@cleanapp\/contracts@)?/, '') }
      : { kind: 'git', ref: baselineArg.replace(/^git:/, '') }
    : undefined;
  const check = await contractCheck(repoRoot, baseline ? { baseline } : {});
  console.log(`contract-check: baseline ${describeBaseline(check.baseline)}`);
  if (check.baseline.kind === 'none') {
    console.log('contract-check: no released clients yet, nothing to protect');
    return 0;
  }
  for (const { artefact, result } of check.results) {
    console.log(`\n## contracts/${artefact}: ${result.summary.breaking} breaking, ${result.summary.warning} warning, ${result.summary.info} info`);
    if (result.changes.length > 0) console.log(formatResult(result, format));
  }
  if (check.ok) {
    console.log(check.breaking > 0 ? `\ncontract-check: ${check.breaking} breaking changes, covered by a major changeset` : '\ncontract-check: no breaking change for the released clients');
    return 0;
  }
  console.error(
    `\ncontract-check: ${check.breaking} breaking changes against the released clients and no major changeset for ${CLIENT_PACKAGES.join(', ')}.\n` +
      'Make the change compatible, or record the break: `pnpm changeset` and choose "major".',
  );
  return 1;
}
