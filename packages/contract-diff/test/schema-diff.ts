// Runs the JSON Schema differ alone on two inline schemas (for the unit tests beside src/jsonschema/).
import { Emitter } from '../src/emitter.js';
import type { Policy, SchemaCtx } from '../src/jsonschema/context.js';
import { SchemaDiffer } from '../src/jsonschema/differ.js';
import { DocumentSet, type Json } from '../src/refs.js';
import type { Change } from '../src/types.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
const POLICY: Policy = { deprecationDays: { beta: 0, stable: 0 }, now: NOW };

/** A differ over empty document sets, for asking it about ids. */
export function bareDiffer(): SchemaDiffer {
  return new SchemaDiffer(new Emitter(), new DocumentSet(), new DocumentSet(), POLICY);
}

/** Schemas are plain object literals (typed loosely, as tests write them). */
export function schemaChanges(base: unknown, revision: unknown, ctx: Partial<SchemaCtx> = {}, policy: Partial<Policy> = {}): Change[] {
  const out = new Emitter();
  const b = new DocumentSet([['file:///base.json', base as Json]]);
  const r = new DocumentSet([['file:///revision.json', revision as Json]]);
  const differ = new SchemaDiffer(out, b, r, { ...POLICY, ...policy });
  differ.diff({ node: base as Json, url: 'file:///base.json' }, { node: revision as Json, url: 'file:///revision.json' }, { dir: 'response', where: 'body', prop: '', loc: 'payload', kind: 'test', ...ctx });
  return out.changes;
}

/** `[id, level]` of each change, sorted. */
export function verdicts(changes: Change[]): [string, string][] {
  return changes.map((c): [string, string] => [c.id, c.level]).sort((a, b) => a[0].localeCompare(b[0]));
}

export const request = { dir: 'request' } as const;
