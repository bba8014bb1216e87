// Types and formats (3.0 `nullable` and 3.1 type arrays alike) and nullability.
import { isObject, type DocumentSet, type Json, type JsonObject, type Located } from '../refs.js';
import { schemaRules, type SchemaCtx, type View, type SchemaReporter } from './context.js';
import { ANNOTATIONS, looselyTyped, typesOf } from './values.js';

export const TYPE_RULES = schemaRules({
  'wrapped-in-one-of': ['request-body-wrapped-in-one-of', 'response-body-wrapped-in-one-of'],
  'type-changed': [
    'request-body-type-changed', 'request-property-type-changed', 'request-parameter-type-changed', 'request-parameter-property-type-changed',
    'response-body-type-changed', 'response-property-type-changed', 'response-header-type-changed',
  ],
  'type-generalized': [
    'request-body-type-generalized', 'request-property-type-generalized', 'request-parameter-type-generalized',
    'request-parameter-property-type-generalized', 'response-body-type-generalized', 'response-property-type-generalized',
    'response-header-type-generalized',
  ],
  'type-specialized': [
    'request-parameter-property-type-specialized', 'response-body-type-specialized', 'response-property-type-specialized',
    'response-header-type-specialized',
  ],
  'type-compatible': [
    'request-body-type-compatible', 'request-property-type-compatible', 'response-body-type-compatible', 'response-property-type-compatible',
    'response-header-type-compatible',
  ],
  'list-of-types-widened': [
    'request-body-list-of-types-widened', 'request-property-list-of-types-widened', 'request-parameter-list-of-types-widened',
    'request-parameter-property-list-of-types-widened', 'response-body-list-of-types-widened', 'response-property-list-of-types-widened',
    'response-header-list-of-types-widened',
  ],
  'list-of-types-narrowed': [
    'request-body-list-of-types-narrowed', 'request-property-list-of-types-narrowed', 'request-parameter-list-of-types-narrowed',
    'request-parameter-property-list-of-types-narrowed', 'response-body-list-of-types-narrowed', 'response-property-list-of-types-narrowed',
  ],
  'became-nullable': [
    'request-body-became-nullable', 'request-property-became-nullable', 'request-parameter-became-nullable',
    'request-parameter-property-became-nullable', 'response-body-became-nullable', 'response-property-became-nullable',
    'response-header-became-nullable',
  ],
  'became-not-nullable': [
    'request-body-became-not-nullable', 'request-property-became-not-nullable', 'request-parameter-became-not-nullable',
    'request-parameter-property-became-not-nullable', 'response-body-became-not-nullable', 'response-property-became-not-nullable',
    'response-header-became-not-nullable',
  ],
});

const BARE_TYPE_KEYS = new Set(['type', 'format', 'title', 'description']);

const WIDER_FORMAT: Record<string, string> = { int32: 'int64', float: 'double' };

/** `oneOf/anyOf: [X, {type: null}]` is X made nullable (3.1 idiom), not a composition change. */
export function unwrapNullable(s: Located, docs: DocumentSet): View {
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
    const rest: JsonObject = {};
    for (const [k, v] of Object.entries(node)) if (k !== kw) rest[k] = v;
    // `oneOf: [{type: string}, {type: integer}]` is the 3.0 spelling of a list of types.
    if (nonNull.length > 1 && nonNull.every((x) => isObject(x.node) && typeof x.node.type === 'string' && Object.keys(x.node).every((k) => BARE_TYPE_KEYS.has(k)))) {
      const types = [...new Set(nonNull.map((x) => String((x.node as JsonObject).type)))].sort();
      return { node: rest, url: s.url, ref: s.ref, nullable: nullable || nonNull.length < resolved.length, types };
    }
    if (nonNull.length === 1 && nonNull.length < resolved.length) {
      const inner = nonNull[0]!;
      const innerView = unwrapNullable(inner, docs);
      return { node: { ...rest, ...innerView.node }, url: inner.url, ref: inner.ref ?? s.ref, nullable: true, types: innerView.types };
    }
  }
  return { node, url: s.url, ref: s.ref, nullable, types: typesOf(node) };
}

export function compareTypes(d: SchemaReporter<keyof typeof TYPE_RULES>, b: View, r: View, ctx: SchemaCtx): void {
  compareType(d, b, r, ctx);
  if (b.nullable !== r.nullable) d.emit(ctx, r.nullable ? 'became-nullable' : 'became-not-nullable', r.nullable ? 'became nullable' : 'became not nullable');
}

function compareType(d: SchemaReporter<keyof typeof TYPE_RULES>, b: View, r: View, ctx: SchemaCtx): void {
  const bt = b.types;
  const rt = r.types;
  const bf = typeof b.node.format === 'string' ? b.node.format : undefined;
  const rf = typeof r.node.format === 'string' ? r.node.format : undefined;
  if (bt.length === 0 || rt.length === 0) {
    // `{}` accepts anything: typing it narrows what clients may send; untyping a response widens
    // what they must read. A schema constrained otherwise (properties, composition) is left to
    // those keywords. (Form/XML/text bodies carry text either way: describing a field's shape there
    // is not a change.)
    if (looselyTyped(ctx.mediaType)) return;
    if (bt.length === 0 && rt.length > 0 && ctx.dir === 'request' && unconstrained(b.node)) d.emit(ctx, 'type-changed', `type changed from any to ${fmtType(rt, rf)}`);
    if (rt.length === 0 && bt.length > 0 && ctx.dir === 'response' && unconstrained(r.node)) d.emit(ctx, 'type-generalized', `type changed from ${fmtType(bt, bf)} to any`);
    return;
  }
  const detail = `type/format changed from ${fmtType(bt, bf)} to ${fmtType(rt, rf)}`;
  if (bt.length > 1 || rt.length > 1) {
    const added = rt.filter((t) => !bt.includes(t));
    const removed = bt.filter((t) => !rt.includes(t));
    if (added.length && !removed.length) d.emit(ctx, 'list-of-types-widened', detail);
    else if (removed.length && !added.length) d.emit(ctx, 'list-of-types-narrowed', detail);
    else if (added.length && removed.length) d.emit(ctx, 'type-changed', detail);
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
  d.emit(ctx, `type-${verdict}`, detail);
}

/** A schema that accepts any value (only annotations, or nothing at all). */
function unconstrained(s: JsonObject): boolean {
  return Object.keys(s).every((k) => ANNOTATIONS.has(k) || k === 'nullable' || k.startsWith('x-'));
}

function isNullSchema(n: Json | undefined): boolean {
  if (!isObject(n)) return false;
  if (n.type === 'null') return true;
  if (Array.isArray(n.type) && n.type.length === 1 && n.type[0] === 'null') return true;
  return Array.isArray(n.enum) && n.enum.length === 1 && n.enum[0] === null;
}

function fmtType(types: string[], format: string | undefined): string {
  return types.join('|') + (format ? `/${format}` : '');
}
