import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';
import { EXTRA_RULES } from './extra-rules.js';
import { ChangeType } from '@graphql-inspector/core';
import { GRAPHQL_RULE_IDS, INSPECTOR_CHANGE_TYPES } from './graphql-ids.js';
import { schemaRules, type SchemaCtx, type Scope } from './jsonschema/context.js';
import { SCHEMA_RULES, type SchemaChange } from './jsonschema/differ.js';
import { bareDiffer } from '../test/schema-diff.js';
import { OPENAPI_RULES } from './openapi/rules.js';
import { RULES, isRuleId, type RuleId } from './rules.js';
import { LEVELS } from './types.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const sources = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(`${SRC}${f}`, 'utf8') }));

/** The text of the first argument of a call starting at `open` (just after its parenthesis). */
function firstArg(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) return text.slice(open, i);
      depth--;
    } else if (ch === ',' && depth === 0) return text.slice(open, i);
  }
  return text.slice(open);
}

/** Every id literal at an emit call site or in a table of ids (`schemaRules(...)`, `...: Record<..., RuleId>`). */
function emittedLiterals(): { ids: Map<string, string>; templates: string[] } {
  const ids = new Map<string, string>();
  const templates: string[] = [];
  const literals = (chunk: string, file: string): void => {
    // Neither a literal compared against (`dir === 'request' ? ... : ...`) nor a table key is an id.
    for (const m of chunk.matchAll(/(?<![=!]== )'([a-z][a-z0-9-]*)'(?!:)/g)) ids.set(m[1]!, file);
  };
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/\.(?:out\.)?emit(At)?\(/g)) {
      const arg = firstArg(text, m.index + m[0].length);
      if (arg.trim() === 'ctx') continue; // SchemaDiffer.emit(ctx, change): ids come from the schemaRules tables
      if (arg.includes('`')) templates.push(`${file}: ${arg}`);
      literals(arg, file);
    }
    for (const m of text.matchAll(/schemaRules\(\{([\s\S]*?)\n\}\);|RuleId[^=\n]*= \{([\s\S]*?)\n\};/g)) literals(m[1] ?? m[2]!, file);
  }
  return { ids, templates };
}

describe('rule registry', () => {
  it('gives every row a known level and a description', () => {
    for (const [id, [level, description]] of Object.entries(RULES)) {
      expect(LEVELS, id).toContain(level);
      expect(description.trim(), id).not.toBe('');
    }
  });

  it('gives each row with a direction a known one, and the README change-class table lists exactly those rows', () => {
    const directed = Object.entries(RULES).filter(([, def]) => def.length > 2) as [string, readonly [string, string, string]][];
    for (const [id, def] of directed) expect(['request', 'response', 'both'], id).toContain(def[2]);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| (breaking|warning|info) \| (request|response|both) \|/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(table.sort()).toEqual(directed.map(([id, [level, , direction]]) => [id, level, direction]).sort());
    expect(directed.length).toBeGreaterThanOrEqual(18);
  });

  it('never defines an id twice, so a level cannot depend on lookup order', () => {
    const own = Object.keys(EXTRA_RULES);
    expect(own.filter((id) => id in OPENAPI_RULES)).toEqual([]);
    expect(own.filter((id) => GRAPHQL_RULE_IDS.has(id))).toEqual([]);
    expect(Object.keys(RULES)).toHaveLength(Object.keys(OPENAPI_RULES).length + own.length);
  });

  it('knows every change type the installed @graphql-inspector/core reports (the copied list has not drifted)', () => {
    expect([...INSPECTOR_CHANGE_TYPES].sort()).toEqual(Object.values(ChangeType).map(String).sort());
  });

  it('keeps oasdiff levels for the ids the corpus is scored on', () => {
    // Spot checks against oasdiff checker/rules.go: a changed level here would silently change verdicts.
    expect(RULES['response-required-property-removed'][0]).toBe('breaking');
    expect(RULES['request-property-removed'][0]).toBe('warning');
    expect(RULES['response-optional-property-added'][0]).toBe('info');
    expect(Object.keys(OPENAPI_RULES)).toHaveLength(509);
  });

  it('has a row for every id an emit call site or id table names, and no id is assembled at run time', () => {
    const { ids, templates } = emittedLiterals();
    expect(templates).toEqual([]);
    expect([...ids].filter(([id]) => !isRuleId(id)).map(([id, file]) => `${file}: ${id}`)).toEqual([]);
    // The scan sees the sites: a broken pattern would otherwise pass vacuously.
    expect(ids.has('api-path-removed-without-deprecation') && ids.has('response-required-property-removed') && ids.has('request-body-max-set')).toBe(true);
    // GraphQL findings of our own go through the registry too (inspector change types map to `graphql-*` ids).
    expect(['graphql-composition-failed', 'graphql-operation-invalid', 'graphql-operation-invalid-before'].map((id) => ids.get(id))).toEqual([
      expect.stringMatching(/^(graphql|subgraph-check)\.ts$/),
      'graphql.ts',
      'graphql.ts',
    ]);
    console.log(`rule registry: ${Object.keys(RULES).length} ids, ${ids.size} named by emitting code`);
  });

  it('lists, for every schema change, each registered id of the form <scope>-<change>', () => {
    const scopes: Scope[] = [
      'request-body',
      'request-property',
      'request-parameter',
      'request-parameter-property',
      'request-header-property',
      'response-body',
      'response-property',
      'response-header',
      'request-read-only-property',
      'response-write-only-property',
    ];
    for (const [what, row] of Object.entries(SCHEMA_RULES)) {
      const registered = scopes.map((s) => `${s}-${what}`).filter(isRuleId);
      expect([...row].sort(), what).toEqual(registered.sort());
    }
  });

  it('resolves every change in every schema context to a registered id or to nothing', () => {
    const differ = bareDiffer();
    const resolved = new Set<RuleId>();
    for (const dir of ['request', 'response'] as const)
      for (const where of ['body', 'property', 'parameter', 'parameter-property', 'header-property', 'response-header'] as const)
        for (const access of [{}, { readOnly: true }, { writeOnly: true }])
          for (const what of Object.keys(SCHEMA_RULES) as SchemaChange[]) {
            const ctx: SchemaCtx = { dir, where, prop: '', loc: '', kind: 'test', ...access };
            const id = differ.idFor(ctx, what);
            if (id !== undefined) resolved.add(id);
          }
    expect([...resolved].filter((id) => !isRuleId(id))).toEqual([]);
    expect(resolved.size).toBe(new Set(Object.values(SCHEMA_RULES).flat()).size);
  });

  it('rejects unknown ids at compile time (pnpm typecheck covers this file)', () => {
    const out = new Emitter();
    // @ts-expect-error a misspelled id is not a RuleId
    const typo: RuleId = 'response-required-property-remvoed';
    // @ts-expect-error emit takes a RuleId, not any string
    expect(() => out.emit('response-required-property-remvoed', 'test', { location: 'x' })).toThrow();
    // @ts-expect-error a schema-change row may only hold registered ids of the form <scope>-<change>
    schemaRules({ 'max-set': ['request-body-min-set'] });
    expect(isRuleId(typo)).toBe(false);
  });
});
