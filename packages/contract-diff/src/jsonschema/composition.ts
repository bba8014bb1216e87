// allOf/anyOf/oneOf (alternatives matched by `$ref` target, then title, then position) and discriminators.
import { isObject, type DocumentSet, type Json, type JsonObject, type Located } from '../refs.js';
import { schemaRules, type Flat, type SchemaCtx, type View, type SchemaReporter } from './context.js';
import { flatten } from './properties.js';
import { ANNOTATIONS, canon, show } from './values.js';

export const COMPOSITION_RULES = schemaRules({
  'all-of-added': ['request-body-all-of-added', 'request-property-all-of-added', 'response-body-all-of-added', 'response-property-all-of-added'],
  'all-of-removed': ['request-body-all-of-removed', 'request-property-all-of-removed', 'response-body-all-of-removed', 'response-property-all-of-removed'],
  'any-of-added': ['request-body-any-of-added', 'request-property-any-of-added', 'response-body-any-of-added', 'response-property-any-of-added'],
  'any-of-removed': ['request-body-any-of-removed', 'request-property-any-of-removed', 'response-body-any-of-removed', 'response-property-any-of-removed'],
  'one-of-added': ['request-body-one-of-added', 'request-property-one-of-added', 'response-body-one-of-added', 'response-property-one-of-added'],
  'one-of-removed': ['request-body-one-of-removed', 'request-property-one-of-removed', 'response-body-one-of-removed', 'response-property-one-of-removed'],
  'all-of-added-annotation-only': [
    'request-body-all-of-added-annotation-only', 'request-property-all-of-added-annotation-only', 'response-body-all-of-added-annotation-only',
    'response-property-all-of-added-annotation-only',
  ],
  'all-of-removed-annotation-only': [
    'request-body-all-of-removed-annotation-only', 'request-property-all-of-removed-annotation-only', 'response-body-all-of-removed-annotation-only',
    'response-property-all-of-removed-annotation-only',
  ],
  'discriminator-added': [
    'request-body-discriminator-added', 'request-property-discriminator-added', 'response-body-discriminator-added',
    'response-property-discriminator-added',
  ],
  'discriminator-removed': [
    'request-body-discriminator-removed', 'request-property-discriminator-removed', 'response-body-discriminator-removed',
    'response-property-discriminator-removed',
  ],
  'discriminator-property-name-changed': [
    'request-body-discriminator-property-name-changed', 'request-property-discriminator-property-name-changed',
    'response-body-discriminator-property-name-changed', 'response-property-discriminator-property-name-changed',
  ],
  'discriminator-mapping-added': [
    'request-body-discriminator-mapping-added', 'request-property-discriminator-mapping-added', 'response-body-discriminator-mapping-added',
    'response-property-discriminator-mapping-added',
  ],
  'discriminator-mapping-changed': [
    'request-body-discriminator-mapping-changed', 'request-property-discriminator-mapping-changed', 'response-body-discriminator-mapping-changed',
    'response-property-discriminator-mapping-changed',
  ],
  'discriminator-mapping-deleted': [
    'request-body-discriminator-mapping-deleted', 'request-property-discriminator-mapping-deleted', 'response-body-discriminator-mapping-deleted',
    'response-property-discriminator-mapping-deleted',
  ],
});

const KEYWORDS = [
  ['allOf', 'all-of'],
  ['anyOf', 'any-of'],
  ['oneOf', 'one-of'],
] as const;

const STRUCTURAL = new Set(['type', 'properties', 'required', 'allOf']);

export function compareComposition(d: SchemaReporter<keyof typeof COMPOSITION_RULES>, b: View, r: View, ctx: SchemaCtx): void {
  for (const [kw, what] of KEYWORDS) {
    const bl = Array.isArray(b.node[kw]) ? (b.node[kw] as Json[]) : [];
    const rl = Array.isArray(r.node[kw]) ? (r.node[kw] as Json[]) : [];
    if (bl.length === 0 && rl.length === 0) continue;
    const pairs = matchSubschemas(bl, b.url, rl, r.url);
    for (const [bi, ri] of pairs.matched)
      // allOf members' properties are compared once, on the merged object (compareProperties).
      d.diff({ node: bl[bi], url: b.url }, { node: rl[ri], url: r.url }, d.nest(ctx, `/${kw}[${subLabel(bl[bi]!, bi)}]`, { skipProps: kw === 'allOf' }));
    const member = (side: View, docs: DocumentSet, other: View, otherDocs: DocumentSet, list: Json[], i: number, verb: 'added' | 'removed'): void => {
      const sub = docs.deref(list[i], side.url);
      if (kw === 'allOf') {
        if (onlyRestructures(sub, docs, flatten(other, otherDocs), flatten(withoutMember(side, kw, i), docs))) return;
        if (isObject(sub.node) && Object.keys(sub.node).every((k) => ANNOTATIONS.has(k)))
          return d.emit(ctx, `all-of-${verb}-annotation-only`, `${kw} subschema ${subLabel(list[i]!, i)} ${verb}`);
      }
      d.emit(ctx, `${what}-${verb}`, `${kw} subschema ${subLabel(list[i]!, i)} ${verb}`);
    };
    for (const ri of pairs.added) member(r, d.rDocs, b, d.bDocs, rl, ri, 'added');
    for (const bi of pairs.removed) member(b, d.bDocs, r, d.rDocs, bl, bi, 'removed');
  }
}

export function compareDiscriminator(d: SchemaReporter<keyof typeof COMPOSITION_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  const bd = isObject(bn.discriminator) ? bn.discriminator : undefined;
  const rd = isObject(rn.discriminator) ? rn.discriminator : undefined;
  if (!bd && !rd) return;
  if (!bd) return d.emit(ctx, 'discriminator-added', 'discriminator added');
  if (!rd) return d.emit(ctx, 'discriminator-removed', 'discriminator removed');
  if (bd.propertyName !== rd.propertyName)
    d.emit(ctx, 'discriminator-property-name-changed', `discriminator property changed from ${show(bd.propertyName ?? null)} to ${show(rd.propertyName ?? null)}`);
  const bm = isObject(bd.mapping) ? bd.mapping : {};
  const rm = isObject(rd.mapping) ? rd.mapping : {};
  for (const k of Object.keys(rm)) {
    if (!(k in bm)) d.emit(ctx, 'discriminator-mapping-added', `mapping ${k} added`);
    else if (bm[k] !== rm[k]) d.emit(ctx, 'discriminator-mapping-changed', `mapping ${k} changed`);
  }
  for (const k of Object.keys(bm)) if (!(k in rm)) d.emit(ctx, 'discriminator-mapping-deleted', `mapping ${k} deleted`);
}

/**
 * An allOf member whose properties moved: the other side declares exactly these (inline or
 * elsewhere) while this side, without the member, no longer does. Extracting a shared base schema
 * is then a refactoring; the merged property comparison still catches any real difference.
 */
function onlyRestructures(member: Located, docs: DocumentSet, other: Flat, sameSideWithout: Flat): boolean {
  if (!isObject(member.node)) return false;
  if (!Object.keys(member.node).every((k) => STRUCTURAL.has(k) || ANNOTATIONS.has(k))) return false;
  if (member.node.type !== undefined && member.node.type !== 'object') return false;
  const flat = flatten(member, docs);
  if (flat.props.size === 0) return false; // e.g. annotation-only members have their own rule
  const names = [...flat.props.keys()];
  return names.every((k) => other.props.has(k)) && [...flat.required].every((k) => other.required.has(k)) && names.every((k) => !sameSideWithout.props.has(k));
}

function withoutMember(v: View, kw: string, index: number): { node: Json; url: string } {
  const list = v.node[kw];
  return { node: { ...v.node, [kw]: Array.isArray(list) ? list.filter((_, i) => i !== index) : [] }, url: v.url };
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
  const pair = (bi: number, ri: number): void => {
    matched.push([bi, ri]);
    usedR.add(ri);
    usedB.add(bi);
  };
  bl.forEach((b, bi) => {
    const k = key(b, bUrl);
    if (k === undefined) return;
    const ri = rl.findIndex((r, i) => !usedR.has(i) && key(r, rUrl) === k);
    if (ri !== -1) pair(bi, ri);
  });
  // Inline alternatives: identical ones first, then by order among the unmatched ones.
  bl.forEach((b, bi) => {
    if (usedB.has(bi) || key(b, bUrl) !== undefined) return;
    const ri = rl.findIndex((r, i) => !usedR.has(i) && key(r, rUrl) === undefined && canon(r) === canon(b));
    if (ri !== -1) pair(bi, ri);
  });
  const restB = bl.map((_, i) => i).filter((i) => !usedB.has(i) && key(bl[i]!, bUrl) === undefined);
  const restR = rl.map((_, i) => i).filter((i) => !usedR.has(i) && key(rl[i]!, rUrl) === undefined);
  while (restB.length && restR.length) pair(restB.shift()!, restR.shift()!);
  return {
    matched,
    added: rl.map((_, i) => i).filter((i) => !usedR.has(i)),
    removed: bl.map((_, i) => i).filter((i) => !usedB.has(i)),
  };
}
