// Rule level overrides (a config file) and accepted breaks (an ignore file). Both are YAML or JSON.
import { readFileSync } from 'node:fs';
import { isStabilityLevel, STABILITY_LEVELS, type StabilityLevel } from './jsonschema/lifecycle.js';
import { normalizePath } from './openapi/diff.js';
import { InputError } from './errors.js';
import { parseText } from './parse.js';
import { isObject } from './refs.js';
import { levelRank, summarize, type Change, type ContractKind, type DiffResult, type Level } from './types.js';
import { ruleLevel } from './rules.js';
import { GRAPHQL_RULE_IDS } from './graphql-ids.js';

export interface Config {
  /** Per rule id: a new level, or `off` to drop the rule. */
  rules?: Record<string, Level | 'off'>;
  stabilityLevel?: StabilityLevel;
  deprecationDays?: { beta?: number; stable?: number };
}

export interface IgnoreEntry {
  id: string;
  /** `METHOD /path` (path parameter names don't matter), a GraphQL coordinate or an event operation. */
  operation?: string;
  /** Substring of the change's location. */
  location?: string;
  reason?: string;
}

const LEVEL_VALUES = new Set(['breaking', 'warning', 'info', 'off']);

export function parseConfig(value: unknown, name: string): Config {
  if (!isObject(value)) throw new InputError(`${name}: config must be a mapping`);
  const cfg: Config = {};
  if (value.rules !== undefined) {
    if (!isObject(value.rules)) throw new InputError(`${name}: rules must map rule ids to breaking|warning|info|off`);
    cfg.rules = {};
    for (const [id, lvl] of Object.entries(value.rules)) {
      if (typeof lvl !== 'string' || !LEVEL_VALUES.has(lvl)) throw new InputError(`${name}: rules.${id} must be breaking, warning, info or off`);
      if (ruleLevel(id) === undefined && !GRAPHQL_RULE_IDS.has(id)) throw new InputError(`${name}: unknown rule id ${id}`);
      cfg.rules[id] = lvl as Level | 'off';
    }
  }
  if (value.stabilityLevel !== undefined) {
    if (!isStabilityLevel(value.stabilityLevel)) throw new InputError(`${name}: stabilityLevel must be one of ${STABILITY_LEVELS.join(', ')}`);
    cfg.stabilityLevel = value.stabilityLevel;
  }
  if (value.deprecationDays !== undefined) {
    const d = value.deprecationDays;
    if (!isObject(d)) throw new InputError(`${name}: deprecationDays must be {beta, stable}`);
    cfg.deprecationDays = {};
    if (typeof d.beta === 'number') cfg.deprecationDays.beta = d.beta;
    if (typeof d.stable === 'number') cfg.deprecationDays.stable = d.stable;
  }
  return cfg;
}

export function parseIgnore(value: unknown, name: string): IgnoreEntry[] {
  const list = isObject(value) && Array.isArray(value.ignore) ? value.ignore : value;
  if (!Array.isArray(list)) throw new InputError(`${name}: ignore file must be a list of {id, operation?, location?, reason?}`);
  return list.map((e, i) => {
    if (!isObject(e) || typeof e.id !== 'string') throw new InputError(`${name}: entry ${i} needs an id`);
    const entry: IgnoreEntry = { id: e.id };
    if (typeof e.operation === 'string') entry.operation = e.operation;
    if (typeof e.location === 'string') entry.location = e.location;
    if (typeof e.reason === 'string') entry.reason = e.reason;
    return entry;
  });
}

function readStructured(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  return parseText(text, file);
}

export function loadConfig(file: string): Config {
  return parseConfig(readStructured(file), file);
}

export function loadIgnore(file: string): IgnoreEntry[] {
  return parseIgnore(readStructured(file), file);
}

function opKey(s: string): string {
  const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(s.trim());
  return m ? `${m[1]!.toUpperCase()} ${normalizePath(m[2]!)}` : s.trim();
}

export function isIgnored(c: Change, ignore: readonly IgnoreEntry[]): boolean {
  return ignore.some((e) => {
    if (e.id !== c.id) return false;
    if (e.operation !== undefined) {
      const own = c.path !== undefined && c.operation !== undefined && /^[A-Z]+$/.test(c.operation) ? `${c.operation} ${c.path}` : (c.operation ?? '');
      if (opKey(own) !== opKey(e.operation)) return false;
    }
    if (e.location !== undefined && !c.location.includes(e.location)) return false;
    return true;
  });
}

/** Applies level overrides and drops ignored changes. */
export function applyPolicy(changes: readonly Change[], config: Config = {}, ignore: readonly IgnoreEntry[] = []): Change[] {
  const out: Change[] = [];
  for (const c of changes) {
    const override = config.rules?.[c.id];
    if (override === 'off') continue;
    const next = override ? { ...c, level: override } : c;
    if (isIgnored(next, ignore)) continue;
    out.push(next);
  }
  return out;
}

/** Applies rule levels and accepted changes, then orders the findings: most severe first, then by location. */
export function policyResult(kind: ContractKind, changes: readonly Change[], config: Config = {}, ignore: readonly IgnoreEntry[] = []): DiffResult {
  const out = applyPolicy(changes, config, ignore);
  // A stable order keeps reports and snapshots reproducible.
  out.sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.location.localeCompare(b.location) || a.id.localeCompare(b.id));
  return { kind, changes: out, summary: summarize(out) };
}
