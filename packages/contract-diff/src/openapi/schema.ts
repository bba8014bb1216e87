// Direction-aware JSON Schema comparison. A rule id is composed from the direction (request = what
// clients write, response = what they read), where the schema sits (body root, nested property,
// parameter, ...) and the change; the rule table then says how bad it is in that direction, so the
// narrowing/widening logic lives in one place (the oasdiff vocabulary already encodes it).
import { isRule } from '../emitter.js';
import type { Emitter } from '../emitter.js';
import { isObject, type DocumentSet, type Json, type JsonObject, type Located } from '../refs.js';

export type Dir = 'request' | 'response';
export type Where = 'body' | 'property' | 'parameter' | 'parameter-property' | 'header-property' | 'response-header';

export interface Policy {
  /** Days of notice required before a deprecated item may go; 0 = no sunset required. */
  deprecationDays: { beta: number; stable: number };
  now: Date;
}

export interface SchemaCtx {
  dir: Dir;
  where: Where;
  /** Property path inside the schema, e.g. `/data/seq`. */
  prop: string;
  /** Location prefix, e.g. `POST /reports request body application/json`. */
  loc: string;
  operation?: string | undefined;
  path?: string | undefined;
  readOnly?: boolean;
  writeOnly?: boolean;
  kind: string;
  /** Media type of the body, when the schema describes one. */
  mediaType?: string;
  /** Parameter location (`query`, `header`, ...) when the schema is a parameter's. */
  paramIn?: string;
  /** An allOf member: its properties were already compared as part of the merged parent. */
  skipProps?: boolean;
}

const STABILITY = ['draft', 'alpha', 'beta', 'stable'] as const;

export class SchemaDiffer {
  private readonly onStack = new Set<string>();
  private readonly clean = new Set<string>();
  private cycleCuts = 0;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  constructor(
    private readonly out: Emitter,
    private readonly bDocs: DocumentSet,
    private readonly rDocs: DocumentSet,
    private readonly policy: Policy,
  ) {}

  private objId(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** Composes `<dir>-<where>-<what>` and falls back to coarser scopes oasdiff has a rule for. */
  idFor(ctx: SchemaCtx, what: string): string | undefined {
    const cands: string[] = [];
    // Servers ignore readOnly input (clients never see writeOnly output): where a dedicated,
    // milder rule exists for that case it replaces the general one.
    if (ctx.dir === 'request' && ctx.readOnly && ctx.where === 'property' && isRule(`request-read-only-property-${what}`))
      return `request-read-only-property-${what}`;
    if (ctx.dir === 'response' && ctx.writeOnly && ctx.where === 'property' && isRule(`response-write-only-property-${what}`))
      return `response-write-only-property-${what}`;
    switch (ctx.where) {
      case 'body':
        cands.push(`${ctx.dir}-body-${what}`);
        break;
      case 'property':
        cands.push(`${ctx.dir}-property-${what}`);
        break;
      case 'parameter':
        cands.push(`request-parameter-${what}`);
        break;
      case 'parameter-property':
        cands.push(`request-parameter-property-${what}`, `request-parameter-${what}`);
        break;
      case 'header-property':
        cands.push(`request-header-property-${what}`, `request-parameter-property-${what}`);
        break;
      case 'response-header':
        cands.push(`response-header-${what}`);
        break;
    }
    return cands.find(isRule);
  }

  private emit(ctx: SchemaCtx, what: string, detail: string): void {
    const id = this.idFor(ctx, what);
    if (!id) return;
    this.out.emit(id, ctx.kind, {
      location: ctx.prop ? `${ctx.loc} ${ctx.prop}` : ctx.loc,
      operation: ctx.operation,
      path: ctx.path,
      detail: ctx.prop ? `${ctx.prop}: ${detail}` : detail,
    });
  }

  /** Compares two (possibly `$ref`) schemas. */
  diff(bIn: Located, rIn: Located, ctx: SchemaCtx): void {
    const b0 = this.bDocs.deref(bIn.node, bIn.url);
    const r0 = this.rDocs.deref(rIn.node, rIn.url);
    if (!isObject(b0.node) || !isObject(r0.node)) return;
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
      const b = this.unwrapNullable(b0, this.bDocs);
      const r = this.unwrapNullable(r0, this.rDocs);
      this.compare(b, r, ctx);
    } finally {
      this.onStack.delete(key);
    }
    // Only cache when no recursion was cut short below (a cut subtree may be judged elsewhere).
    if (this.out.attempts === attempts && this.cycleCuts === cuts) this.clean.add(cleanKey);
  }

  /** `oneOf/anyOf: [X, {type: null}]` is X made nullable (3.1 idiom), not a composition change. */
  private unwrapNullable(s: Located, docs: DocumentSet): View {
    const node = s.node as JsonObject;
    let nullable = node.nullable === true || node['x-nullable'] === true;
    const t = node.type;
    if (Array.isArray(t) && t.includes('null')) nullable = true;
    if (t === 'null') nullable = true;
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const list = node[kw];
      if (!Array.isArray(list) || list.length < 2) continue;
      const resolved = list.map((x) => docs.deref(x, s.url));
      const nonNull = resolved.filter((x) => !isNullSchema(x.node));
      // `oneOf: [{type: string}, {type: integer}]` is the 3.0 spelling of a list of types.
      if (nonNull.length > 1 && nonNull.every((x) => isObject(x.node) && typeof x.node.type === 'string' && Object.keys(x.node).every((k) => BARE_TYPE_KEYS.has(k)))) {
        const rest: JsonObject = {};
        for (const [k, v] of Object.entries(node)) if (k !== kw) rest[k] = v;
        const types = [...new Set(nonNull.map((x) => String((x.node as JsonObject).type)))].sort();
        return { node: rest, url: s.url, ref: s.ref, nullable: nullable || nonNull.length < resolved.length, types };
      }
      if (nonNull.length === 1 && nonNull.length < resolved.length) {
        const inner = nonNull[0]!;
        const innerView = this.unwrapNullable(inner, docs);
        const rest: JsonObject = {};
        for (const [k, v] of Object.entries(node)) if (k !== kw) rest[k] = v;
        return {
          node: { ...rest, ...innerView.node },
          url: inner.url,
          ref: inner.ref ?? s.ref,
          nullable: true,
          types: innerView.types,
        };
      }
    }
    return { node, url: s.url, ref: s.ref, nullable, types: typesOf(node) };
  }

  private compare(b: View, r: View, ctx: SchemaCtx): void {
    const bn = b.node;
    const rn = r.node;

    // Wrapping a schema into oneOf alternatives changes what a client must send/expect at the root.
    if (ctx.where === 'body' && !Array.isArray(bn.oneOf) && Array.isArray(rn.oneOf) && rn.oneOf.length > 1 && (bn.type !== undefined || bn.properties !== undefined)) {
      this.emit(ctx, 'wrapped-in-one-of', 'schema was wrapped into oneOf');
      return;
    }

    this.compareTypes(b, r, ctx);
    this.compareNullable(b, r, ctx);
    this.compareEnum(bn, rn, ctx);
    this.compareBounds(bn, rn, ctx);
    this.comparePattern(bn, rn, ctx);
    this.compareValueKeyword(bn, rn, ctx, 'const', 'const');
    this.compareValueKeyword(bn, rn, ctx, 'default', 'default-value');
    this.compareSubschemaPresence(bn, rn, ctx);
    this.compareDependentRequired(bn, rn, ctx);
    this.compareContent(bn, rn, ctx);
    this.compareDiscriminator(bn, rn, ctx);
    this.compareExtensibleEnum(bn, rn, ctx);
    this.compareComposition(b, r, ctx, 'allOf', 'all-of');
    this.compareComposition(b, r, ctx, 'anyOf', 'any-of');
    this.compareComposition(b, r, ctx, 'oneOf', 'one-of');
    this.compareProperties(b, r, ctx);
    // Closing an open object rejects extra fields clients may already send.
    if (ctx.dir === 'request' && (ctx.where === 'body' || ctx.where === 'property') && !closed(bn) && closed(rn) && typesOf(rn).includes('object'))
      this.emit(ctx, 'additional-properties-closed', 'additional properties are no longer allowed');

    // Children that are schemas in their own right.
    const child = (kw: string, seg: string): void => {
      if (bn[kw] !== undefined && rn[kw] !== undefined && typeof bn[kw] === 'object' && typeof rn[kw] === 'object')
        this.diff({ node: bn[kw], url: b.url }, { node: rn[kw], url: r.url }, this.nest(ctx, seg));
    };
    child('items', '/items');
    child('additionalProperties', '/additionalProperties');
    child('not', '/not');
    for (const kw of ['if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']) child(kw, `/${kw}`);
    if (Array.isArray(bn.prefixItems) && Array.isArray(rn.prefixItems)) {
      const n = Math.min(bn.prefixItems.length, rn.prefixItems.length);
      for (let i = 0; i < n; i++) this.diff({ node: bn.prefixItems[i], url: b.url }, { node: rn.prefixItems[i], url: r.url }, this.nest(ctx, `/prefixItems/${i}`));
    }
    for (const kw of ['patternProperties', 'dependentSchemas'] as const) {
      const bp = bn[kw];
      const rp = rn[kw];
      if (isObject(bp) && isObject(rp))
        for (const k of Object.keys(bp))
          if (rp[k] !== undefined) this.diff({ node: bp[k], url: b.url }, { node: rp[k], url: r.url }, this.nest(ctx, `/${kw}/${k}`));
    }
  }

  private nest(ctx: SchemaCtx, seg: string, extra: Partial<SchemaCtx> = {}): SchemaCtx {
    // Array items of a parameter are still "the parameter" (oasdiff reports them at parameter level).
    const where: Where =
      ctx.where === 'body'
        ? 'property'
        : ctx.where === 'parameter' && seg !== '/items'
          ? (ctx.paramIn === 'header')
            ? 'header-property'
            : 'parameter-property'
          : ctx.where;
    return { ...ctx, where, prop: ctx.prop + seg, skipProps: false, ...extra };
  }

  private compareTypes(b: View, r: View, ctx: SchemaCtx): void {
    const bt = b.types;
    const rt = r.types;
    const bf = typeof b.node.format === 'string' ? b.node.format : undefined;
    const rf = typeof r.node.format === 'string' ? r.node.format : undefined;
    if (bt.length === 0 || rt.length === 0) {
      // `{}` accepts anything: typing it narrows what clients may send; untyping a response widens
      // what they must read. A schema constrained otherwise (properties, composition) is left to
      // those keywords.
      // (Form/XML/text bodies carry text either way: describing a field's shape there is not a change.)
      if (looselyTyped(ctx.mediaType)) return;
      if (bt.length === 0 && rt.length > 0 && ctx.dir === 'request' && unconstrained(b.node))
        this.emit(ctx, 'type-changed', `type changed from any to ${fmtType(rt, typeof r.node.format === 'string' ? r.node.format : undefined)}`);
      if (rt.length === 0 && bt.length > 0 && ctx.dir === 'response' && unconstrained(r.node))
        this.emit(ctx, 'type-generalized', `type changed from ${fmtType(bt, typeof b.node.format === 'string' ? b.node.format : undefined)} to any`);
      return;
    }
    const detail = `type/format changed from ${fmtType(bt, bf)} to ${fmtType(rt, rf)}`;
    if (bt.length > 1 || rt.length > 1) {
      const added = rt.filter((t) => !bt.includes(t));
      const removed = bt.filter((t) => !rt.includes(t));
      if (added.length && !removed.length) this.emit(ctx, 'list-of-types-widened', detail);
      else if (removed.length && !added.length) this.emit(ctx, 'list-of-types-narrowed', detail);
      else if (added.length && removed.length) this.emit(ctx, 'type-changed', detail);
      return;
    }
    const [b1] = bt;
    const [r1] = rt;
    if (b1 === r1 && bf === rf) return;
    let verdict: 'generalized' | 'specialized' | 'changed' | 'compatible';
    if (b1 === r1) {
      // Same type, format differs: dropping a format or a wider one generalizes.
      if (rf === undefined) verdict = 'generalized';
      else if (bf === undefined) verdict = 'specialized';
      else if (WIDER_FORMAT[bf] === rf) verdict = 'generalized';
      else if (WIDER_FORMAT[rf] === bf) verdict = 'specialized';
      else verdict = 'changed';
    } else if (b1 === 'integer' && r1 === 'number') verdict = 'generalized';
    else if (ctx.where === 'parameter' && ctx.dir === 'request' && r1 === 'string') verdict = 'generalized'; // wire values are strings
    else if (looselyTyped(ctx.mediaType) && ((b1 === 'object' && r1 === 'string') || (ctx.dir === 'response' && b1 === 'string' && r1 === 'object')))
      // XML/form/text bodies carry text either way: object <-> string is a re-description, except a
      // request that now demands structure where any text was accepted.
      verdict = 'compatible';
    else if (b1 === 'number' && r1 === 'integer') verdict = 'specialized';
    else verdict = 'changed';
    // For requests a specialization narrows what clients may send; for responses a generalization
    // widens what they must read. Neither has a dedicated request-side id in every scope.
    if (verdict === 'specialized' && ctx.dir === 'request' && ctx.where !== 'parameter-property') verdict = 'changed';
    // oasdiff grades any non-widening change of a parameter's nested property as a specialization.
    if (verdict === 'changed' && ctx.where === 'parameter-property') verdict = r1 === 'string' ? 'changed' : 'specialized';
    this.emit(ctx, `type-${verdict}`, detail);
  }

  private compareNullable(b: View, r: View, ctx: SchemaCtx): void {
    if (b.nullable === r.nullable) return;
    this.emit(ctx, r.nullable ? 'became-nullable' : 'became-not-nullable', r.nullable ? 'became nullable' : 'became not nullable');
  }

  private compareEnum(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    const be = Array.isArray(bn.enum) ? bn.enum.filter((v) => v !== null) : undefined;
    const re = Array.isArray(rn.enum) ? rn.enum.filter((v) => v !== null) : undefined;
    if (!re) {
      // Readers that switch over the old values now get anything.
      if (be && ctx.dir === 'response') this.emit(ctx, 'enum-removed', `no longer restricted to ${listValues(be)}`);
      return;
    }
    if (!be) {
      if (ctx.dir === 'request') this.emit(ctx, 'became-enum', `now restricted to ${listValues(re)}`);
      return;
    }
    const bs = new Set(be.map(canon));
    const rs = new Set(re.map(canon));
    for (const v of be)
      if (!rs.has(canon(v))) {
        if (ctx.dir === 'response' && ctx.where === 'body')
          this.out.emit('response-mediatype-enum-value-removed', ctx.kind, { location: ctx.loc, operation: ctx.operation, path: ctx.path, detail: `value ${show(v)} removed` });
        else this.emit(ctx, 'enum-value-removed', `value ${show(v)} removed`);
      }
    for (const v of re) if (!bs.has(canon(v))) this.emit(ctx, 'enum-value-added', `value ${show(v)} added`);
  }

  private compareExtensibleEnum(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    const be = bn['x-extensible-enum'];
    const re = rn['x-extensible-enum'];
    if (!Array.isArray(be) || !Array.isArray(re)) return;
    const rs = new Set(re.map(canon));
    for (const v of be) if (!rs.has(canon(v))) this.emit(ctx, 'x-extensible-enum-value-removed', `value ${show(v)} removed`);
  }

  private compareBounds(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    // A keyword that does not apply to the declared type (maxItems on a string) validates nothing.
    const types = new Set([...typesOf(bn), ...typesOf(rn)]);
    const applies = (name: string): boolean => {
      if (types.size === 0) return true;
      if (name.includes('items') || name.includes('contains')) return types.has('array');
      if (name.includes('length')) return types.has('string');
      return types.has('number') || types.has('integer');
    };
    const upper = (name: string, bv: number | undefined, rv: number | undefined): void => {
      if (bv === rv || !applies(name)) return;
      if (bv !== undefined && rv !== undefined) this.emit(ctx, `${name}-${rv < bv ? 'decreased' : 'increased'}`, `${name} changed from ${bv} to ${rv}`);
      else if (bv === undefined) this.emit(ctx, `${name}-set`, `${name} set to ${rv}`);
      else this.emit(ctx, `${name}-unset`, `${name} ${bv} removed`);
    };
    const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
    // OpenAPI 3.0 spells exclusivity as a boolean next to minimum/maximum; 3.1 as a number.
    const maxOf = (s: JsonObject): [number | undefined, number | undefined] =>
      s.exclusiveMaximum === true ? [undefined, num(s.maximum)] : [num(s.maximum), num(s.exclusiveMaximum)];
    const minOf = (s: JsonObject): [number | undefined, number | undefined] =>
      s.exclusiveMinimum === true ? [undefined, num(s.minimum)] : [num(s.minimum), num(s.exclusiveMinimum)];
    const [bMax, bXMax] = maxOf(bn);
    const [rMax, rXMax] = maxOf(rn);
    const [bMin, bXMin] = minOf(bn);
    const [rMin, rXMin] = minOf(rn);
    upper('max', bMax, rMax);
    upper('exclusive-max', bXMax, rXMax);
    upper('min', bMin, rMin);
    upper('exclusive-min', bXMin, rXMin);
    upper('max-length', num(bn.maxLength), num(rn.maxLength));
    upper('min-length', num(bn.minLength), num(rn.minLength));
    upper('max-items', num(bn.maxItems), num(rn.maxItems));
    upper('min-items', num(bn.minItems), num(rn.minItems));
    upper('max-contains', num(bn.maxContains), num(rn.maxContains));
    upper('min-contains', num(bn.minContains), num(rn.minContains));
  }

  private comparePattern(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    // An empty pattern matches everything: same as none.
    const bp = typeof bn.pattern === 'string' && bn.pattern !== '' ? bn.pattern : undefined;
    const rp = typeof rn.pattern === 'string' && rn.pattern !== '' ? rn.pattern : undefined;
    if (bp === rp) return;
    if (bp === undefined) this.emit(ctx, 'pattern-added', `pattern ${rp} added`);
    else if (rp === undefined) this.emit(ctx, 'pattern-removed', `pattern ${bp} removed`);
    else if (rp === '.*' || rp === '^.*$') this.emit(ctx, 'pattern-generalized', `pattern changed from ${bp} to ${rp}`);
    else this.emit(ctx, 'pattern-changed', `pattern changed from ${bp} to ${rp}`);
  }

  private compareValueKeyword(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx, kw: string, what: string): void {
    const bv = bn[kw];
    const rv = rn[kw];
    if (bv === undefined && rv === undefined) return;
    if (bv !== undefined && rv !== undefined && canon(bv) === canon(rv)) return;
    if (bv === undefined) this.emit(ctx, `${what}-added`, `${kw} ${show(rv!)} added`);
    else if (rv === undefined) this.emit(ctx, `${what}-removed`, `${kw} ${show(bv)} removed`);
    else this.emit(ctx, `${what}-changed`, `${kw} changed from ${show(bv)} to ${show(rv)}`);
  }

  /** Keywords whose mere presence constrains values (or, removed, loosens what may come back). */
  private compareSubschemaPresence(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    const presence: [string, string][] = [
      ['contains', 'contains'],
      ['propertyNames', 'property-names'],
      ['if', 'if'],
      ['then', 'then'],
      ['else', 'else'],
      ['unevaluatedItems', 'unevaluated-items'],
      ['unevaluatedProperties', 'unevaluated-properties'],
      ['contentSchema', 'content-schema'],
    ];
    for (const [kw, what] of presence) {
      if (bn[kw] === undefined && rn[kw] !== undefined) this.emit(ctx, `${what}-added`, `${kw} added`);
      else if (bn[kw] !== undefined && rn[kw] === undefined) this.emit(ctx, `${what}-removed`, `${kw} removed`);
    }
    const keyed: [string, string][] = [
      ['patternProperties', 'pattern-property'],
      ['dependentSchemas', 'dependent-schema'],
    ];
    for (const [kw, what] of keyed) {
      const bk = isObject(bn[kw]) ? Object.keys(bn[kw]) : [];
      const rk = isObject(rn[kw]) ? Object.keys(rn[kw]) : [];
      for (const k of rk) if (!bk.includes(k)) this.emit(ctx, `${what}-added`, `${kw} ${k} added`);
      for (const k of bk) if (!rk.includes(k)) this.emit(ctx, `${what}-removed`, `${kw} ${k} removed`);
    }
    const bpi = Array.isArray(bn.prefixItems) ? bn.prefixItems.length : 0;
    const rpi = Array.isArray(rn.prefixItems) ? rn.prefixItems.length : 0;
    if (rpi > bpi) this.emit(ctx, 'prefix-items-added', `prefixItems grew from ${bpi} to ${rpi}`);
    else if (rpi < bpi) this.emit(ctx, 'prefix-items-removed', `prefixItems shrank from ${bpi} to ${rpi}`);
  }

  private compareDependentRequired(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    const bd = isObject(bn.dependentRequired) ? bn.dependentRequired : {};
    const rd = isObject(rn.dependentRequired) ? rn.dependentRequired : {};
    for (const k of Object.keys(rd)) {
      if (!(k in bd)) this.emit(ctx, 'dependent-required-added', `dependentRequired ${k} added`);
      else if (canon(sortedArr(bd[k])) !== canon(sortedArr(rd[k]))) this.emit(ctx, 'dependent-required-changed', `dependentRequired ${k} changed`);
    }
    for (const k of Object.keys(bd)) if (!(k in rd)) this.emit(ctx, 'dependent-required-removed', `dependentRequired ${k} removed`);
  }

  private compareContent(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    for (const [kw, what] of [
      ['contentMediaType', 'content-media-type-changed'],
      ['contentEncoding', 'content-encoding-changed'],
    ] as const) {
      if (bn[kw] !== rn[kw]) this.emit(ctx, what, `${kw} changed from ${show(bn[kw] ?? null)} to ${show(rn[kw] ?? null)}`);
    }
  }

  private compareDiscriminator(bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
    const bd = isObject(bn.discriminator) ? bn.discriminator : undefined;
    const rd = isObject(rn.discriminator) ? rn.discriminator : undefined;
    if (!bd && !rd) return;
    if (!bd) return this.emit(ctx, 'discriminator-added', 'discriminator added');
    if (!rd) return this.emit(ctx, 'discriminator-removed', 'discriminator removed');
    if (bd.propertyName !== rd.propertyName)
      this.emit(ctx, 'discriminator-property-name-changed', `discriminator property changed from ${show(bd.propertyName ?? null)} to ${show(rd.propertyName ?? null)}`);
    const bm = isObject(bd.mapping) ? bd.mapping : {};
    const rm = isObject(rd.mapping) ? rd.mapping : {};
    for (const k of Object.keys(rm)) {
      if (!(k in bm)) this.emit(ctx, 'discriminator-mapping-added', `mapping ${k} added`);
      else if (bm[k] !== rm[k]) this.emit(ctx, 'discriminator-mapping-changed', `mapping ${k} changed`);
    }
    for (const k of Object.keys(bm)) if (!(k in rm)) this.emit(ctx, 'discriminator-mapping-deleted', `mapping ${k} deleted`);
  }

  /** Sub-schemas of allOf/anyOf/oneOf are matched by `$ref` target, then by title, then by position. */
  private compareComposition(b: View, r: View, ctx: SchemaCtx, kw: 'allOf' | 'anyOf' | 'oneOf', what: string): void {
    const bl = Array.isArray(b.node[kw]) ? (b.node[kw] as Json[]) : [];
    const rl = Array.isArray(r.node[kw]) ? (r.node[kw] as Json[]) : [];
    if (bl.length === 0 && rl.length === 0) return;
    const pairs = matchSubschemas(bl, b.url, rl, r.url);
    for (const [bi, ri] of pairs.matched) {
      const label = subLabel(bl[bi]!, bi);
      // allOf members' properties are compared once, on the merged object (compareProperties).
      this.diff({ node: bl[bi], url: b.url }, { node: rl[ri], url: r.url }, this.nest(ctx, `/${kw}[${label}]`, { skipProps: kw === 'allOf' }));
    }
    for (const ri of pairs.added) {
      const sub = this.rDocs.deref(rl[ri], r.url);
      if (kw === 'allOf' && this.onlyRestructures(sub, this.rDocs, this.flatten(b, this.bDocs), this.flatten(withoutMember(r, kw, ri), this.rDocs))) continue;
      const annotationOnly = kw === 'allOf' && isObject(sub.node) && Object.keys(sub.node).every((k) => ANNOTATIONS.has(k));
      this.emit(ctx, annotationOnly ? `${what}-added-annotation-only` : `${what}-added`, `${kw} subschema ${subLabel(rl[ri]!, ri)} added`);
    }
    for (const bi of pairs.removed) {
      const sub = this.bDocs.deref(bl[bi], b.url);
      if (kw === 'allOf' && this.onlyRestructures(sub, this.bDocs, this.flatten(r, this.rDocs), this.flatten(withoutMember(b, kw, bi), this.bDocs))) continue;
      const annotationOnly = kw === 'allOf' && isObject(sub.node) && Object.keys(sub.node).every((k) => ANNOTATIONS.has(k));
      this.emit(ctx, annotationOnly ? `${what}-removed-annotation-only` : `${what}-removed`, `${kw} subschema ${subLabel(bl[bi]!, bi)} removed`);
    }
  }

  /**
   * Properties and `required` of an object including everything its allOf members contribute, so
   * that moving properties into (or out of) a shared allOf base is not reported as remove + add.
   */
  flatten(s: { node: Json | undefined; url: string }, docs: DocumentSet, seen = new Set<object>()): Flat {
    const flat: Flat = { props: new Map(), required: new Set() };
    const node = docs.deref(s.node, s.url);
    if (!isObject(node.node) || seen.has(node.node)) return flat;
    seen.add(node.node);
    if (isObject(node.node.properties)) for (const [k, v] of Object.entries(node.node.properties)) flat.props.set(k, { node: v, url: node.url });
    if (Array.isArray(node.node.required)) for (const k of node.node.required) if (typeof k === 'string') flat.required.add(k);
    if (Array.isArray(node.node.allOf))
      for (const m of node.node.allOf) {
        const sub = this.flatten({ node: m, url: node.url }, docs, seen);
        for (const [k, v] of sub.props) if (!flat.props.has(k)) flat.props.set(k, v);
        for (const k of sub.required) flat.required.add(k);
      }
    return flat;
  }

  /**
   * An allOf member whose properties moved: the other side declares exactly these (inline or
   * elsewhere) while this side, without the member, no longer does. Extracting a shared base schema
   * is then a refactoring; the merged property comparison still catches any real difference.
   */
  private onlyRestructures(member: Located, docs: DocumentSet, other: Flat, sameSideWithout: Flat): boolean {
    if (!isObject(member.node)) return false;
    if (!Object.keys(member.node).every((k) => STRUCTURAL.has(k) || ANNOTATIONS.has(k))) return false;
    if (member.node.type !== undefined && member.node.type !== 'object') return false;
    const flat = this.flatten(member, docs);
    if (flat.props.size === 0) return false; // e.g. annotation-only members have their own rule
    const names = [...flat.props.keys()];
    return (
      names.every((k) => other.props.has(k)) &&
      [...flat.required].every((k) => other.required.has(k)) &&
      names.every((k) => !sameSideWithout.props.has(k))
    );
  }

  private compareProperties(b: View, r: View, ctx: SchemaCtx): void {
    if (ctx.skipProps) return;
    const bFlat = this.flatten(b, this.bDocs);
    const rFlat = this.flatten(r, this.rDocs);
    const bp = bFlat.props;
    const rp = rFlat.props;
    const breq = bFlat.required;
    const rreq = rFlat.required;
    const propCtx = (name: string, bs: JsonObject | undefined, rs: JsonObject | undefined): SchemaCtx =>
      this.nest(ctx, `/${name}`, {
        readOnly: rs?.readOnly === true || (rs === undefined && bs?.readOnly === true),
        writeOnly: rs?.writeOnly === true || (rs === undefined && bs?.writeOnly === true),
      });
    const isProp = ctx.where === 'body' || ctx.where === 'property';
    const isHeader = ctx.where === 'parameter' && (ctx.paramIn === 'header');

    for (const [name, rLoc] of rp) {
      if (bp.has(name)) continue;
      const rs = this.rDocs.deref(rLoc.node, rLoc.url).node;
      const rso = isObject(rs) ? rs : undefined;
      const required = rreq.has(name);
      const loc = `${ctx.loc} ${ctx.prop}/${name}`;
      if (ctx.dir === 'request' && isProp) {
        if (rso?.readOnly === true) continue; // servers ignore readOnly input
        const id = required ? (rso?.default !== undefined ? 'new-required-request-property-with-default' : 'new-required-request-property') : 'new-optional-request-property';
        this.out.emit(id, ctx.kind, { location: loc, operation: ctx.operation, path: ctx.path, detail: `${ctx.prop}/${name}` });
      } else if (ctx.dir === 'request' && isHeader && required) {
        this.out.emit('new-required-request-header-property', ctx.kind, { location: loc, operation: ctx.operation, path: ctx.path, detail: `${ctx.prop}/${name}` });
      } else if (ctx.dir === 'response' && isProp) {
        const wo = rso?.writeOnly === true ? 'write-only-' : '';
        this.out.emit(`response-${required ? 'required' : 'optional'}-${wo}property-added`, ctx.kind, { location: loc, operation: ctx.operation, path: ctx.path, detail: `${ctx.prop}/${name}` });
        // Readers validating with the old, closed schema reject the new property. Event consumers
        // validate every payload with the validators compiled from their contract version: breaking.
        if (closed(b.node) && !wo)
          this.out.emit('response-property-added-to-closed-schema', ctx.kind, {
            location: loc,
            operation: ctx.operation,
            path: ctx.path,
            detail: `${ctx.prop}/${name}`,
            level: ctx.kind.startsWith('event') ? 'breaking' : 'warning',
          });
      }
    }
    for (const [name, bLoc] of bp) {
      const bs = this.bDocs.deref(bLoc.node, bLoc.url).node;
      const bso = isObject(bs) ? bs : undefined;
      const loc = `${ctx.loc} ${ctx.prop}/${name}`;
      const rLoc = rp.get(name);
      if (!rLoc) {
        if (ctx.dir === 'request' && isProp) {
          this.out.emit('request-property-removed', ctx.kind, { location: loc, operation: ctx.operation, path: ctx.path, detail: `${ctx.prop}/${name}` });
        } else if (ctx.dir === 'response' && isProp) {
          const wo = bso?.writeOnly === true ? 'write-only-' : '';
          // A property that is removed from the schema but still listed as required is still promised.
          const required = breq.has(name);
          this.out.emit(`response-${required ? 'required' : 'optional'}-${wo}property-removed`, ctx.kind, { location: loc, operation: ctx.operation, path: ctx.path, detail: `${ctx.prop}/${name}` });
        }
        continue;
      }
      const rs = this.rDocs.deref(rLoc.node, rLoc.url).node;
      const rso = isObject(rs) ? rs : undefined;
      const pctx = propCtx(name, bso, rso);
      this.compareRequired(breq.has(name), rreq.has(name), rso, ctx, pctx);
      this.compareLifecycle(bso, rso, pctx, rreq.has(name));
      this.diff(bLoc, rLoc, pctx);
    }
  }

  /** Required-ness of a property, judged against its revision schema (readOnly/writeOnly exempt). */
  private compareRequired(bReq: boolean, rReq: boolean, rs: JsonObject | undefined, parent: SchemaCtx, pctx: SchemaCtx): void {
    if (bReq === rReq) return;
    const loc = `${parent.loc} ${pctx.prop}`;
    const f = { location: loc, operation: parent.operation, path: parent.path, detail: pctx.prop };
    const isProp = parent.where === 'body' || parent.where === 'property';
    if (parent.dir === 'request') {
      if (rs?.readOnly === true) return;
      if (isProp) {
        if (rReq) this.out.emit(rs?.default !== undefined ? 'request-property-became-required-with-default' : 'request-property-became-required', parent.kind, f);
        else this.out.emit('request-property-became-optional', parent.kind, f);
      } else if (parent.where === 'parameter' && parent.paramIn === 'header' && rReq) {
        this.out.emit('request-header-property-became-required', parent.kind, f);
      }
    } else if (isProp) {
      const wo = rs?.writeOnly === true ? 'write-only-' : '';
      this.out.emit(`response-${wo}property-became-${rReq ? 'required' : 'optional'}`, parent.kind, f);
    }
  }

  /** readOnly/writeOnly flips, deprecation and stability of a property. */
  private compareLifecycle(bs: JsonObject | undefined, rs: JsonObject | undefined, ctx: SchemaCtx, required: boolean): void {
    if (!bs || !rs) return;
    const f = { location: `${ctx.loc} ${ctx.prop}`, operation: ctx.operation, path: ctx.path, detail: ctx.prop };
    if (ctx.where !== 'property') return;
    const dir = ctx.dir;
    // readOnly / writeOnly transitions
    for (const [kw, word] of [
      ['readOnly', 'read-only'],
      ['writeOnly', 'write-only'],
    ] as const) {
      const bv = bs[kw] === true;
      const rv = rs[kw] === true;
      if (bv === rv) continue;
      // required-ness is judged on the revision; oasdiff uses the same split.
      const id = `${dir}-${required ? 'required' : 'optional'}-property-became-${rv ? '' : 'not-'}${word}`;
      if (isRule(id)) this.out.emit(id, ctx.kind, f);
    }
    // deprecation
    const bd = bs.deprecated === true;
    const rd = rs.deprecated === true;
    if (!bd && rd) {
      const sunset = rs['x-sunset'];
      if (sunset === undefined) {
        if (this.requiredDays(rs) > 0) this.out.emit(`${dir}-property-deprecated-sunset-missing`, ctx.kind, f);
        else this.out.emit(`${dir}-property-deprecated`, ctx.kind, f);
      } else if (parseDate(sunset) === undefined) this.out.emit(`${dir}-property-deprecated-sunset-invalid`, ctx.kind, f);
      else this.out.emit(`${dir}-property-deprecated-with-sunset`, ctx.kind, { ...f, detail: `${ctx.prop} (sunset ${show(sunset)})` });
    } else if (bd && !rd) this.out.emit(`${dir}-property-reactivated`, ctx.kind, f);
    // stability
    const bsl = bs['x-stability-level'];
    const rsl = rs['x-stability-level'];
    if (bsl !== rsl && rsl !== undefined) {
      const bi = STABILITY.indexOf(String(bsl ?? 'stable') as never);
      const ri = STABILITY.indexOf(String(rsl) as never);
      if (ri === -1 || bi === -1) this.out.emit('api-invalid-stability-level', ctx.kind, { ...f, detail: `${ctx.prop}: ${show(ri === -1 ? rsl : bsl ?? null)}` });
      else if (ri < bi) this.out.emit(`${dir}-property-stability-decreased`, ctx.kind, f);
      else if (ri > bi) this.out.emit(`${dir}-property-stability-increased`, ctx.kind, f);
    }
  }

  requiredDays(node: JsonObject): number {
    const level = node['x-stability-level'];
    return level === 'beta' ? this.policy.deprecationDays.beta : this.policy.deprecationDays.stable;
  }
}

interface Flat {
  props: Map<string, Located>;
  required: Set<string>;
}

interface View {
  node: JsonObject;
  url: string;
  ref?: string | undefined;
  nullable: boolean;
  types: string[];
}

const STRUCTURAL = new Set(['type', 'properties', 'required', 'allOf']);

const BARE_TYPE_KEYS = new Set(['type', 'format', 'title', 'description']);

const WIDER_FORMAT: Record<string, string> = { int32: 'int64', float: 'double' };

const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'externalDocs', '$comment', 'default']);

function typesOf(s: JsonObject): string[] {
  const t = s.type;
  if (typeof t === 'string') return t === 'null' ? [] : [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string' && x !== 'null').sort();
  return [];
}

function withoutMember(v: View, kw: string, index: number): { node: Json; url: string } {
  const list = v.node[kw];
  return { node: { ...v.node, [kw]: Array.isArray(list) ? list.filter((_, i) => i !== index) : [] }, url: v.url };
}

/** A schema that accepts any value (only annotations, or nothing at all). */
function unconstrained(s: JsonObject): boolean {
  return Object.keys(s).every((k) => ANNOTATIONS.has(k) || k === 'nullable' || k.startsWith('x-'));
}

function closed(s: JsonObject): boolean {
  return s.additionalProperties === false || s.unevaluatedProperties === false;
}

function isNullSchema(n: Json | undefined): boolean {
  if (!isObject(n)) return false;
  if (n.type === 'null') return true;
  if (Array.isArray(n.type) && n.type.length === 1 && n.type[0] === 'null') return true;
  return Array.isArray(n.enum) && n.enum.length === 1 && n.enum[0] === null;
}

function looselyTyped(mediaType: string | undefined): boolean {
  return mediaType !== undefined && !/json/i.test(mediaType);
}

function fmtType(types: string[], format: string | undefined): string {
  return types.join('|') + (format ? `/${format}` : '');
}

export function canon(v: Json | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function sortedArr(v: Json | undefined): Json {
  return Array.isArray(v) ? [...v].map(String).sort() : (v ?? null);
}

function listValues(values: Json[]): string {
  const head = values.slice(0, 5).map(show).join(', ');
  return values.length > 5 ? `${head}, ... (${values.length} values)` : head;
}

export function show(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function subLabel(node: Json, i: number): string {
  if (isObject(node) && typeof node.$ref === 'string') return node.$ref;
  if (isObject(node) && typeof node.title === 'string') return node.title;
  return `#${i}`;
}

function matchSubschemas(bl: Json[], bUrl: string, rl: Json[], rUrl: string): { matched: [number, number][]; added: number[]; removed: number[] } {
  const key = (n: Json, url: string): string | undefined => {
    if (isObject(n) && typeof n.$ref === 'string') {
      // Same component name on both sides is the same alternative, even across files.
      const frag = n.$ref.slice(n.$ref.indexOf('#') + 1);
      return `ref:${frag || new URL(n.$ref, url).pathname}`;
    }
    if (isObject(n) && typeof n.title === 'string') return `title:${n.title}`;
    return undefined;
  };
  const matched: [number, number][] = [];
  const usedR = new Set<number>();
  const usedB = new Set<number>();
  bl.forEach((b, bi) => {
    const k = key(b, bUrl);
    if (k === undefined) return;
    const ri = rl.findIndex((r, i) => !usedR.has(i) && key(r, rUrl) === k);
    if (ri !== -1) {
      matched.push([bi, ri]);
      usedR.add(ri);
      usedB.add(bi);
    }
  });
  // Inline alternatives: identical ones first, then by order among the unmatched ones.
  bl.forEach((b, bi) => {
    if (usedB.has(bi) || key(b, bUrl) !== undefined) return;
    const ri = rl.findIndex((r, i) => !usedR.has(i) && key(r, rUrl) === undefined && canon(r) === canon(b));
    if (ri !== -1) {
      matched.push([bi, ri]);
      usedR.add(ri);
      usedB.add(bi);
    }
  });
  const restB = bl.map((_, i) => i).filter((i) => !usedB.has(i) && key(bl[i]!, bUrl) === undefined);
  const restR = rl.map((_, i) => i).filter((i) => !usedR.has(i) && key(rl[i]!, rUrl) === undefined);
  while (restB.length && restR.length) {
    const bi = restB.shift()!;
    const ri = restR.shift()!;
    matched.push([bi, ri]);
    usedB.add(bi);
    usedR.add(ri);
  }
  return {
    matched,
    added: rl.map((_, i) => i).filter((i) => !usedR.has(i)),
    removed: bl.map((_, i) => i).filter((i) => !usedB.has(i)),
  };
}

/** `x-sunset` is a date (YYYY-MM-DD) or an RFC 3339 timestamp. */
export function parseDate(v: Json | undefined): Date | undefined {
  if (typeof v !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([Tt ][\d:.]+([Zz]|[+-]\d{2}:\d{2})?)?$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
