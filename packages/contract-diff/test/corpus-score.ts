// Scores the OpenAPI engine against an oasdiff-derived labelled corpus: the full one
// (../shared/corpus/oasdiff) or the in-repo slice (fixtures/oasdiff). Shared by corpus.test.ts and
// oasdiff-slice.test.ts, and usable from a script while tuning rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StabilityLevel } from '../src/jsonschema/lifecycle.js';
import { diffOpenApi, normalizePath, type OpenApiDiffOptions } from '../src/openapi/diff.js';
import { parseText } from '../src/parse.js';
import type { Change, Level } from '../src/types.js';

export interface CorpusCase {
  name: string;
  base: string;
  revision: string;
  expected: { id: string; level: 'ERR' | 'WARN' | 'INFO'; path?: string; operation?: string }[];
  assert: 'exact' | 'includes';
  checks: string;
  scope_ids?: string[];
  min_level: 'ERR' | 'WARN' | 'INFO';
  cli_flags?: string[];
  absent?: string[];
  count?: number;
}

const LEVEL: Record<CorpusCase['min_level'], Level> = { ERR: 'breaking', WARN: 'warning', INFO: 'info' };
const RANK: Record<Level, number> = { info: 0, warning: 1, breaking: 2 };

export interface CaseResult {
  name: string;
  errExpected: number;
  errFound: number;
  allExpected: number;
  allFound: number;
  missed: string[];
  /** Breaking findings on a case that expects no finding at all. */
  falseBreaking: string[];
  /** Breaking findings an `exact` case does not list (diagnostic only). */
  unexpectedBreaking: string[];
  /** Ids the case asserts are NOT reported, yet were. */
  absentViolations: string[];
  /** `count` cases: how many findings the test asserts vs. how many we report (within scope/level). */
  countMismatch?: { expected: number; got: number };
  error?: string;
}

/** Flags with no counterpart here (oasdiff's inline-ref matching toggle): the case runs with defaults. */
export const UNMODELLED_FLAGS = ['--match-inline-refs=false'];

export function optionsFor(c: CorpusCase, dir: URL): OpenApiDiffOptions {
  const opts: OpenApiDiffOptions = {
    baseUrl: new URL(c.base, dir).href,
    revisionUrl: new URL(c.revision, dir).href,
  };
  const days: { beta?: number; stable?: number } = {};
  for (const flag of c.cli_flags ?? []) {
    const [k, v] = flag.replace(/^--/, '').split('=');
    if (k === 'stability-level') opts.stabilityLevel = v as StabilityLevel;
    if (k === 'deprecation-days-beta') days.beta = Number(v);
    if (k === 'deprecation-days-stable') days.stable = Number(v);
  }
  if (days.beta !== undefined || days.stable !== undefined) opts.deprecationDays = days;
  return opts;
}

/** Same rule id, and the operation/path when the case names them (path parameter names erased). */
function matches(ch: Change, e: CorpusCase['expected'][number]): boolean {
  return (
    ch.id === e.id &&
    (e.path === undefined || (ch.path !== undefined && normalizePath(ch.path) === normalizePath(e.path))) &&
    (e.operation === undefined || ch.operation === e.operation.toUpperCase())
  );
}

export function runCase(c: CorpusCase, dir: URL): CaseResult {
  const res: CaseResult = { name: c.name, errExpected: 0, errFound: 0, allExpected: 0, allFound: 0, missed: [], falseBreaking: [], unexpectedBreaking: [], absentViolations: [] };
  const load = (rel: string): unknown => parseText(readFileSync(fileURLToPath(new URL(rel, dir)), 'utf8'), rel);
  let changes: Change[];
  try {
    changes = diffOpenApi(load(c.base), load(c.revision), optionsFor(c, dir));
  } catch (e) {
    res.error = (e as Error).stack ?? String(e);
    changes = [];
  }
  // Single-check cases only speak about the ids that check can emit; min_level hides lower levels.
  const scope = c.checks === 'all' ? undefined : new Set(c.scope_ids ?? c.expected.map((e) => e.id));
  const visible = changes.filter((ch) => (!scope || scope.has(ch.id)) && RANK[ch.level] >= RANK[LEVEL[c.min_level]]);
  // Every level (diagnostic): a separate pool, so ERR matching is unaffected.
  const all = [...visible];
  for (const e of c.expected) {
    res.allExpected++;
    const i = all.findIndex((ch) => matches(ch, e));
    if (i !== -1) {
      res.allFound++;
      all.splice(i, 1);
    }
  }
  const pool = [...visible];
  for (const e of c.expected) {
    if (e.level !== 'ERR') continue;
    res.errExpected++;
    const i = pool.findIndex((ch) => matches(ch, e));
    if (i === -1) res.missed.push(`${e.id}${e.operation ? ` ${e.operation} ${e.path}` : ''}`);
    else {
      res.errFound++;
      pool.splice(i, 1);
    }
  }
  if (c.expected.length === 0) res.falseBreaking = visible.filter((ch) => ch.level === 'breaking').map((ch) => `${ch.id} @ ${ch.location}`);
  res.absentViolations = visible.filter((ch) => c.absent?.includes(ch.id)).map((ch) => `${ch.id} @ ${ch.location}`);
  if (c.count !== undefined && visible.length !== c.count) res.countMismatch = { expected: c.count, got: visible.length };
  if (c.assert === 'exact') {
    const ids = new Set(c.expected.map((e) => e.id));
    res.unexpectedBreaking = visible.filter((ch) => ch.level === 'breaking' && !ids.has(ch.id)).map((ch) => `${ch.id} @ ${ch.location}`);
  }
  return res;
}

export interface Score {
  cases: number;
  errExpected: number;
  errFound: number;
  recall: number;
  /** Recall over every expected finding, all levels (diagnostic). */
  allRecall: number;
  falseBreakingCases: number;
  noChangeCases: number;
  absentViolations: number;
  countMismatches: number;
  /** Cases run with a flag we do not model (see UNMODELLED_FLAGS). */
  unmodelledFlagCases: number;
  results: CaseResult[];
}

export function readManifest(dir: URL): CorpusCase[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL('manifest.json', dir)), 'utf8')) as CorpusCase[];
}

export function scoreCorpus(dir: URL): Score {
  const manifest = readManifest(dir);
  const results = manifest.map((c) => runCase(c, dir));
  const errExpected = results.reduce((a, r) => a + r.errExpected, 0);
  const errFound = results.reduce((a, r) => a + r.errFound, 0);
  return {
    cases: results.length,
    errExpected,
    errFound,
    recall: errExpected ? errFound / errExpected : 1,
    allRecall: results.reduce((a, r) => a + r.allFound, 0) / Math.max(1, results.reduce((a, r) => a + r.allExpected, 0)),
    falseBreakingCases: results.filter((r) => r.falseBreaking.length > 0).length,
    noChangeCases: manifest.filter((c) => c.expected.length === 0).length,
    absentViolations: results.reduce((a, r) => a + r.absentViolations.length, 0),
    countMismatches: results.filter((r) => r.countMismatch).length,
    unmodelledFlagCases: manifest.filter((c) => c.cli_flags?.some((f) => UNMODELLED_FLAGS.includes(f))).length,
    results,
  };
}

/** The score lines both corpus tests print: a summary line, diagnostics, then misses. */
export function describeScore(label: string, score: Score): string[] {
  const list = (title: string, pick: (r: CaseResult) => string[]): string[] => {
    const lines = score.results.filter((r) => pick(r).length).map((r) => `  ${r.name}: ${pick(r).join(', ')}`);
    return lines.length ? [title, ...lines] : [];
  };
  return [
    `${label}: ${score.cases} cases, ERR recall ${score.errFound}/${score.errExpected} = ${(score.recall * 100).toFixed(1)} %, false breaking ${score.falseBreakingCases}/${score.noChangeCases}`,
    `diagnostics: recall over all levels ${(score.allRecall * 100).toFixed(1)}%, ${score.absentViolations} asserted-absent id(s) reported, ${score.countMismatches} count mismatch(es)`,
    ...list('missed:', (r) => r.missed),
    ...list('false breaking:', (r) => r.falseBreaking),
  ];
}
