// Direction-aware JSON Schema comparison. A change is reported under the id for its direction
// (request = what clients write, response = what they read) and where the schema sits (body root,
// nested property, parameter, ...); the registry then says how bad it is in that direction, so the
// narrowing/widening logic lives in one place (the oasdiff vocabulary already encodes it). The
// comparisons live in one module per concern; this class walks the schemas and owns the reporting.
import type { EmitFields, Emitter } from '../emitter.js';
import type { RuleId } from '../rules.js';
import { isObject, type DocumentSet, type Json, type JsonObject, type Located } from '../refs.js';
import { BOUND_RULES, compareBounds } from './bounds.js';
import { COMPOSITION_RULES, compareComposition, compareDiscriminator } from './composition.js';
import type { Policy, Scope, SchemaCtx, SchemaReporter, View, Where } from './context.js';
import { ENUM_RULES, compareEnum, compareValueKeywords } from './enums.js';
import { KEYWORD_RULES, compareKeywords } from './keywords.js';
import { PROPERTY_RULES, compareProperties } from './properties.js';
import { TYPE_RULES, compareTypes, unwrapNullable } from './types.js';
import { Equivalence, looselyTyped } from './values.js';

export const SCHEMA_RULES = { ...TYPE_RULES, ...ENUM_RULES, ...BOUND_RULES, ...KEYWORD_RULES, ...COMPOSITION_RULES, ...PROPERTY_RULES };

/** A schema change, e.g. `max-set`; reported under one of the ids of its row. */
export type SchemaChange = keyof typeof SCHEMA_RULES;

export class SchemaDiffer implements SchemaReporter<SchemaChange> {
  private readonly onStack = new Set<string>();
  private readonly clean = new Set<string>();
  private cycleCuts = 0;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly equivalence: Equivalence;

  constructor(
    readonly out: Emitter,
    readonly bDocs: DocumentSet,
    readonly rDocs: DocumentSet,
    readonly policy: Policy,
  ) {
    this.equivalence = new Equivalence(bDocs, rDocs);
  }

  private objId(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** The id for a change in this context: the first scope, finest first, that has one. */
  idFor(ctx: SchemaCtx, what: SchemaChange): RuleId | undefined {
    const row: readonly RuleId[] = SCHEMA_RULES[what];
    return scopesFor(ctx)
      .map((scope) => row.find((id) => id === `${scope}-${what}`))
      .find((id) => id !== undefined);
  }

  /** Reports a schema change; nothing when oasdiff's vocabulary has no id for it in this scope. */
  emit(ctx: SchemaCtx, what: SchemaChange, detail: string, extra: Pick<EmitFields, 'clientLevel'> = {}): void {
    const id = this.idFor(ctx, what);
    if (!id) return;
    this.out.emit(id, ctx.kind, {
      location: ctx.prop ? `${ctx.loc} ${ctx.prop}` : ctx.loc,
      operation: ctx.operation,
      path: ctx.path,
      detail: ctx.prop ? `${ctx.prop}: ${detail}` : detail,
      ...extra,
    });
  }

  /** Reports a fixed id at `prop` (a property path below ctx.prop, or ctx.prop itself). */
  emitAt(id: RuleId, ctx: SchemaCtx, prop: string, extra: Pick<EmitFields, 'detail' | 'level' | 'clientLevel'> = {}): void {
    this.out.emit(id, ctx.kind, { location: `${ctx.loc} ${prop}`, operation: ctx.operation, path: ctx.path, detail: prop, ...extra });
  }

  /** Compares two (possibly `$ref`) schemas. */
  diff(bIn: Located, rIn: Located, ctx: SchemaCtx): void {
    const b0 = this.bDocs.deref(bIn.node, bIn.url);
    const r0 = this.rDocs.deref(rIn.node, rIn.url);
    if (!isObject(b0.node) || !isObject(r0.node)) return;
    // Most of a revision is unchanged: a pair that means the same is settled without the rule checks.
    if (this.equivalence.same(b0.node, b0.url, r0.node, r0.url)) return;
    const key = `${this.objId(b0.node)}:${this.objId(r0.node)}`;
    if (this.onStack.has(key)) {
      this.cycleCuts++;
      return; // recursive schema: this pair is already being compared above
    }
    // Shared components are compared once per operation; a pair known to be clean in the same kind
    // of context (direction, scope, access mode) stays clean, whatever the location.
    const cleanKey = `${key}:${ctx.dir}:${ctx.where}:${ctx.paramIn === 'header'}:${ctx.readOnly === true}:${ctx.writeOnly === true}:${looselyTyped(ctx.mediaType)}:${ctx.skipProps === true}`;
    if (this.clean.has(cleanKey)) return;
    const attempts = this.out.attempts;
    const cuts = this.cycleCuts;
    this.onStack.add(key);
    try {
      this.compare(unwrapNullable(b0, this.bDocs), unwrapNullable(r0, this.rDocs), ctx);
    } finally {
      this.onStack.delete(key);
    }
    // Only cache when no recursion was cut short below (a cut subtree may be judged elsewhere).
    if (this.out.attempts === attempts && this.cycleCuts === cuts) this.clean.add(cleanKey);
  }

  private compare(b: View, r: View, ctx: SchemaCtx): void {
    const bn = b.node;
    const rn = r.node;
    // Wrapping a schema into oneOf alternatives changes what a client must send/expect at the root.
    if (ctx.where === 'body' && !Array.isArray(bn.oneOf) && Array.isArray(rn.oneOf) && rn.oneOf.length > 1 && (bn.type !== undefined || bn.properties !== undefined)) {
      this.emit(ctx, 'wrapped-in-one-of', 'schema was wrapped into oneOf');
      return;
    }
    compareTypes(this, b, r, ctx);
    compareEnum(this, bn, rn, ctx);
    compareValueKeywords(this, bn, rn, ctx);
    compareBounds(this, bn, rn, ctx);
    compareKeywords(this, bn, rn, ctx);
    compareDiscriminator(this, bn, rn, ctx);
    compareComposition(this, b, r, ctx);
    compareProperties(this, b, r, ctx);
    this.compareChildren(bn, rn, b.url, r.url, ctx);
  }

  /** Keywords whose values are schemas in their own right. */
  private compareChildren(bn: JsonObject, rn: JsonObject, bUrl: string, rUrl: string, ctx: SchemaCtx): void {
    const pair = (bv: Json | undefined, rv: Json | undefined, seg: string): void => this.diff({ node: bv, url: bUrl }, { node: rv, url: rUrl }, this.nest(ctx, seg));
    for (const kw of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'])
      if (bn[kw] !== undefined && rn[kw] !== undefined && typeof bn[kw] === 'object' && typeof rn[kw] === 'object') pair(bn[kw], rn[kw], `/${kw}`);
    if (Array.isArray(bn.prefixItems) && Array.isArray(rn.prefixItems)) {
      const n = Math.min(bn.prefixItems.length, rn.prefixItems.length);
      for (let i = 0; i < n; i++) pair(bn.prefixItems[i], rn.prefixItems[i], `/prefixItems/${i}`);
    }
    for (const kw of ['patternProperties', 'dependentSchemas'] as const) {
      const bp = bn[kw];
      const rp = rn[kw];
      if (isObject(bp) && isObject(rp)) for (const k of Object.keys(bp)) if (rp[k] !== undefined) pair(bp[k], rp[k], `/${kw}/${k}`);
    }
  }

  nest(ctx: SchemaCtx, seg: string, extra: Partial<SchemaCtx> = {}): SchemaCtx {
    // Array items of a parameter are still "the parameter" (oasdiff reports them at parameter level).
    const where: Where =
      ctx.where === 'body'
        ? 'property'
        : ctx.where === 'parameter' && seg !== '/items'
          ? ctx.paramIn === 'header'
            ? 'header-property'
            : 'parameter-property'
          : ctx.where;
    return { ...ctx, where, prop: ctx.prop + seg, skipProps: false, ...extra };
  }

}

/** Scopes to try, finest first: a nested parameter property falls back to the parameter's rule. */
function scopesFor(ctx: SchemaCtx): Scope[] {
  // Servers ignore readOnly input (clients never see writeOnly output): where a dedicated, milder
  // rule exists for that case it replaces the general one.
  const access: Scope[] =
    ctx.where !== 'property' ? [] : ctx.dir === 'request' && ctx.readOnly ? ['request-read-only-property'] : ctx.dir === 'response' && ctx.writeOnly ? ['response-write-only-property'] : [];
  switch (ctx.where) {
    case 'body':
      return [`${ctx.dir}-body`];
    case 'property':
      return [...access, `${ctx.dir}-property`];
    case 'parameter':
      return ['request-parameter'];
    case 'parameter-property':
      return ['request-parameter-property', 'request-parameter'];
    case 'header-property':
      return ['request-header-property', 'request-parameter-property'];
    case 'response-header':
      return ['response-header'];
  }
}
