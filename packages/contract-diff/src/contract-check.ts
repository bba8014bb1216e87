// `pnpm contract-check`: compares the working contracts with every released contract whose clients are
// still supported (the support window), and fails when a breaking change has no major changeset for them.
// Mobile apps stay in the field for months on old clients, so a change that is safe against the last
// release can still break one in use (a field deprecated in one release and removed in the next) — the
// transitive compatibility mode of a schema registry.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.js';
import { formatResult, type Format } from './format.js';
import { diffSources } from './index.js';
import { summarize, type Change, type DiffResult } from './types.js';

const run = promisify(execFile);

/** The bundled contracts a release of @cleanapp/contracts ships (paths inside the package). */
export const ARTEFACTS = ['generated/openapi.json', 'generated/asyncapi.json', 'generated/supergraph.graphql'] as const;
export type Artefact = (typeof ARTEFACTS)[number];
/** The packages released together with the contracts (a fixed changesets group). */
export const CLIENT_PACKAGES = ['@cleanapp/contracts', '@cleanapp/api-client', '@cleanapp/graphql-client', '@cleanapp/events', '@cleanapp/mocks'] as const;
export type ClientPackage = (typeof CLIENT_PACKAGES)[number];
/** Which contract each released package is generated from: a change to it can break that package's users. */
export const CONSUMES: Record<ClientPackage, readonly Artefact[]> = {
  '@cleanapp/contracts': ARTEFACTS,
  '@cleanapp/api-client': ['generated/openapi.json'],
  '@cleanapp/graphql-client': ['generated/supergraph.graphql'],
  '@cleanapp/events': ['generated/asyncapi.json'],
  '@cleanapp/mocks': ARTEFACTS,
};
/** Where the repo keeps its support window (release policy, next to the changesets). */
export const SUPPORT_WINDOW_FILE = '.changeset/support-window.yaml';

export type Release = { version: string; source: 'npm' } | { version: string; source: 'git'; ref: string };
export type Baseline = { kind: 'npm'; version: string } | { kind: 'git'; ref: string } | { kind: 'none'; why: string };
/** Versions of a package on the registry (oldest first), or undefined when it is not there (E404, offline). */
export type NpmVersions = (pkg: string) => Promise<string[] | undefined>;

const TAG_PREFIX = '@cleanapp/contracts@';

/**
 * Every release of `@cleanapp/contracts`, oldest first: the registry's versions, else the release tags
 * changesets wrote (`@cleanapp/contracts@<version>`). `why` says what was tried when there is none.
 */
export async function findReleases(repoRoot: string, npmVersions: NpmVersions = defaultNpmVersions): Promise<{ releases: Release[]; why?: string }> {
  const tried: string[] = [];
  const published = (await npmVersions('@cleanapp/contracts'))?.filter((v) => semver.valid(v));
  if (published?.length) return { releases: semver.sort([...published]).map((version) => ({ version, source: 'npm' as const })) };
  tried.push('@cleanapp/contracts is not on the npm registry');
  try {
    const { stdout } = await run('git', ['tag', '--list', `${TAG_PREFIX}*`], { cwd: repoRoot });
    const tags = stdout.split('\n').filter((t) => semver.valid(t.slice(TAG_PREFIX.length)));
    if (tags.length > 0) {
      return { releases: tags.map((ref) => ({ version: ref.slice(TAG_PREFIX.length), source: 'git' as const, ref })).sort((a, b) => semver.compare(a.version, b.version)) };
    }
    tried.push(`no ${TAG_PREFIX}* git tag`);
  } catch (error) {
    tried.push(`git tags unreadable: ${(error as Error).message}`);
  }
  return { releases: [], why: tried.join('; ') };
}

/** The newest release (what `--baseline` defaults to when only one release is checked). */
export async function findBaseline(repoRoot: string, npmVersions: NpmVersions = defaultNpmVersions): Promise<Baseline> {
  const { releases, why } = await findReleases(repoRoot, npmVersions);
  const newest = releases.at(-1);
  if (!newest) return { kind: 'none', why: why ?? 'no release' };
  return newest.source === 'npm' ? { kind: 'npm', version: newest.version } : { kind: 'git', ref: newest.ref };
}

async function defaultNpmVersions(pkg: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('npm', ['view', pkg, 'versions', '--json'], { timeout: 20_000 });
    const parsed = JSON.parse(stdout) as string | string[];
    return typeof parsed === 'string' ? [parsed] : parsed;
  } catch {
    return undefined; // E404 (never published) or offline: fall back to git tags
  }
}

/** The oldest supported version per client package; packages it does not name get the newest release only. */
export type SupportWindow = Partial<Record<ClientPackage, string>>;

/** Reads `.changeset/support-window.yaml`; undefined when the repo has none. Errors name the field. */
export function readSupportWindow(repoRoot: string): SupportWindow | undefined {
  const file = join(repoRoot, SUPPORT_WINDOW_FILE);
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${SUPPORT_WINDOW_FILE}: not valid YAML: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${SUPPORT_WINDOW_FILE}: expected a mapping of package name to the oldest supported version`);
  const window: SupportWindow = {};
  for (const [pkg, version] of Object.entries(doc)) {
    if (!(CLIENT_PACKAGES as readonly string[]).includes(pkg)) throw new InputError(`${SUPPORT_WINDOW_FILE}: "${pkg}" is not a released client package (${CLIENT_PACKAGES.join(', ')})`);
    if (typeof version !== 'string' || !semver.valid(version)) throw new InputError(`${SUPPORT_WINDOW_FILE}: "${pkg}": ${JSON.stringify(version)} is not a version (x.y.z, quoted)`);
    window[pkg as ClientPackage] = version;
  }
  return window;
}

/**
 * The releases to check an artefact against: every release at or after the oldest supported version of
 * any package generated from it, and always the newest release.
 */
export function releasesFor(artefact: Artefact, releases: readonly Release[], window: SupportWindow | undefined): Release[] {
  const newest = releases.at(-1);
  if (!newest) return [];
  const floors = CLIENT_PACKAGES.filter((p) => CONSUMES[p].includes(artefact) && window?.[p] !== undefined).map((p) => window![p]!);
  if (floors.length === 0) return [newest];
  const floor = semver.sort(floors)[0]!;
  return releases.filter((r) => semver.gte(r.version, floor) || r === newest);
}

function releaseSpec(release: Release, artefact: Artefact): string {
  return release.source === 'npm' ? `npm:@cleanapp/contracts@${release.version}:${artefact}` : `git:${release.ref}:contracts/${artefact}`;
}

const baselineRelease = (b: Exclude<Baseline, { kind: 'none' }>): Release =>
  b.kind === 'npm' ? { version: b.version, source: 'npm' } : { version: b.ref.startsWith(TAG_PREFIX) ? b.ref.slice(TAG_PREFIX.length) : b.ref, source: 'git', ref: b.ref };

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

/** A finding of the check: a change, and the releases it was found against (oldest first). */
export type WindowChange = Change & { releases: string[] };
export type WindowResult = Omit<DiffResult, 'changes'> & { changes: WindowChange[] };

export interface ArtefactResult {
  artefact: Artefact;
  /** The releases compared, oldest first. */
  against: string[];
  /** Releases that did not ship this artefact yet (nothing of it to break). */
  absentIn: string[];
  /** The union of the findings over `against`; each change lists the releases it is found against. */
  result: WindowResult;
}

export interface CheckResult {
  /** The newest release (none: nothing released, nothing to protect). */
  baseline: Baseline;
  /** The support window read from the repo; undefined: none, so only the newest release is checked. */
  window: SupportWindow | undefined;
  results: ArtefactResult[];
  breaking: number;
  majorChangeset: boolean;
  ok: boolean;
}

/** The same finding against several releases is one change (same rule, same place). */
function mergeFindings(perRelease: { version: string; result: DiffResult }[], kind: DiffResult['kind']): WindowResult {
  const merged = new Map<string, WindowChange>();
  for (const { version, result } of perRelease) {
    for (const change of result.changes) {
      const key = `${change.id}\u0000${change.location}`;
      const seen = merged.get(key);
      if (seen) seen.releases.push(version);
      else merged.set(key, { ...change, releases: [version] });
    }
  }
  const changes = [...merged.values()];
  if (perRelease.length > 1) {
    for (const c of changes) c.message += ` [against ${c.releases.length === 1 ? `release ${c.releases[0]}` : `releases ${c.releases.join(', ')}`}; oldest it affects: ${c.releases[0]}]`;
  }
  return { kind, judge: 'clients', changes, summary: summarize(changes) };
}

const isAbsent = (error: unknown) => error instanceof InputError && /does not exist|file not found|exists on disk, but not in/.test(error.message);

export async function contractCheck(repoRoot: string, options: { baseline?: Baseline; npmVersions?: NpmVersions } = {}): Promise<CheckResult> {
  let releases: Release[];
  let window: SupportWindow | undefined;
  let baseline: Baseline;
  if (options.baseline) {
    // An explicit baseline is checked alone (the window is for the default run).
    baseline = options.baseline;
    releases = baseline.kind === 'none' ? [] : [baselineRelease(baseline)];
  } else {
    const found = await findReleases(repoRoot, options.npmVersions);
    releases = found.releases;
    window = readSupportWindow(repoRoot);
    const newest = releases.at(-1);
    baseline = !newest ? { kind: 'none', why: found.why ?? 'no release' } : newest.source === 'npm' ? { kind: 'npm', version: newest.version } : { kind: 'git', ref: newest.ref };
    const newestVersion = newest?.version;
    for (const [pkg, version] of Object.entries(window ?? {})) {
      if (newestVersion && semver.gt(version, newestVersion)) throw new InputError(`${SUPPORT_WINDOW_FILE}: "${pkg}": ${version} is newer than the newest release (${newestVersion})`);
    }
  }
  if (baseline.kind === 'none') return { baseline, window, results: [], breaking: 0, majorChangeset: false, ok: true };

  const results: ArtefactResult[] = [];
  for (const artefact of ARTEFACTS) {
    const perRelease: { version: string; result: DiffResult }[] = [];
    const absentIn: string[] = [];
    for (const release of options.baseline ? releases : releasesFor(artefact, releases, window)) {
      try {
        // Judged for clients: the released packages are generated clients, and their users' code must keep compiling.
        perRelease.push({ version: release.version, result: await diffSources(releaseSpec(release, artefact), join(repoRoot, 'contracts', artefact), { cwd: repoRoot, judge: 'clients' }) });
      } catch (error) {
        if (!isAbsent(error)) throw error;
        absentIn.push(release.version);
      }
    }
    const kind = perRelease[0]?.result.kind ?? (artefact.endsWith('.graphql') ? 'graphql' : artefact.includes('asyncapi') ? 'asyncapi' : 'openapi');
    results.push({ artefact, against: perRelease.map((r) => r.version), absentIn, result: mergeFindings(perRelease, kind) });
  }
  const breaking = results.reduce((n, r) => n + r.result.summary.breaking, 0);
  const bumps = pendingBumps(repoRoot);
  // The clients are one fixed version group: a major for any of them is a major for all.
  const majorChangeset = CLIENT_PACKAGES.some((p) => bumps.get(p) === 'major');
  return { baseline, window, results, breaking, majorChangeset, ok: breaking === 0 || majorChangeset };
}

export function describeBaseline(b: Baseline): string {
  return b.kind === 'npm' ? `@cleanapp/contracts@${b.version} (npm)` : b.kind === 'git' ? `${b.ref} (git tag)` : `none (${b.why})`;
}

function describeWindow(check: CheckResult): string {
  if (!check.window) return `no support window (${SUPPORT_WINDOW_FILE}): the newest release only`;
  const named = Object.entries(check.window).map(([p, v]) => `${p} ≥ ${v}`);
  return named.length > 0 ? `support window ${named.join(', ')}` : `support window empty (${SUPPORT_WINDOW_FILE}): the newest release only`;
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
  console.log(`contract-check: newest release ${describeBaseline(check.baseline)}`);
  if (check.baseline.kind === 'none') {
    console.log('contract-check: no released clients yet, nothing to protect');
    return 0;
  }
  if (!baseline) console.log(`contract-check: ${describeWindow(check)}`);
  for (const { artefact, against, absentIn, result } of check.results) {
    const scope = `against ${against.length === 1 ? `release ${against[0]}` : `releases ${against.join(', ')}`}${absentIn.length ? ` (not in ${absentIn.join(', ')})` : ''}`;
    console.log(`\n## contracts/${artefact} ${scope}: ${result.summary.breaking} breaking, ${result.summary.warning} warning, ${result.summary.info} info`);
    if (result.changes.length > 0) console.log(formatResult(result, format));
  }
  if (check.ok) {
    console.log(check.breaking > 0 ? `\ncontract-check: ${check.breaking} breaking changes, covered by a major changeset` : '\ncontract-check: no breaking change for the supported clients');
    return 0;
  }
  console.error(
    `\ncontract-check: ${check.breaking} breaking changes against supported releases and no major changeset for ${CLIENT_PACKAGES.join(', ')}.\n` +
      'Make the change compatible, or record the break: `pnpm changeset` and choose "major".',
  );
  return 1;
}
