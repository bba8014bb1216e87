// Numeric bounds, lengths, item and contains counts, and patterns.
import type { Json, JsonObject } from '../refs.js';
import { schemaRules, type SchemaCtx, type SchemaReporter } from './context.js';
import { typesOf } from './values.js';
import { patternOverlap } from './pattern-overlap.js';

export const BOUND_RULES = schemaRules({
  'max-decreased': [
    'request-body-max-decreased', 'request-property-max-decreased', 'request-parameter-max-decreased', 'request-read-only-property-max-decreased',
  ],
  'max-increased': [
    'request-body-max-increased', 'request-property-max-increased', 'request-parameter-max-increased', 'response-body-max-increased',
    'response-property-max-increased',
  ],
  'max-set': ['request-body-max-set', 'request-property-max-set', 'request-parameter-max-set'],
  'max-unset': ['response-body-max-unset', 'response-property-max-unset'],
  'exclusive-max-decreased': [
    'request-body-exclusive-max-decreased', 'request-property-exclusive-max-decreased', 'request-parameter-exclusive-max-decreased',
    'request-read-only-property-exclusive-max-decreased',
  ],
  'exclusive-max-increased': [
    'request-body-exclusive-max-increased', 'request-property-exclusive-max-increased', 'request-parameter-exclusive-max-increased',
    'response-body-exclusive-max-increased', 'response-property-exclusive-max-increased',
  ],
  'exclusive-max-set': ['request-body-exclusive-max-set', 'request-property-exclusive-max-set', 'request-parameter-exclusive-max-set'],
  'exclusive-max-unset': ['response-body-exclusive-max-unset', 'response-property-exclusive-max-unset'],
  'min-decreased': [
    'request-body-min-decreased', 'request-property-min-decreased', 'request-parameter-min-decreased', 'response-body-min-decreased',
    'response-property-min-decreased',
  ],
  'min-increased': [
    'request-body-min-increased', 'request-property-min-increased', 'request-parameter-min-increased', 'request-read-only-property-min-increased',
  ],
  'min-set': ['request-body-min-set', 'request-property-min-set', 'request-parameter-min-set'],
  'min-unset': ['response-body-min-unset', 'response-property-min-unset'],
  'exclusive-min-decreased': [
    'request-body-exclusive-min-decreased', 'request-property-exclusive-min-decreased', 'request-parameter-exclusive-min-decreased',
    'response-body-exclusive-min-decreased', 'response-property-exclusive-min-decreased',
  ],
  'exclusive-min-increased': [
    'request-body-exclusive-min-increased', 'request-property-exclusive-min-increased', 'request-parameter-exclusive-min-increased',
    'request-read-only-property-exclusive-min-increased',
  ],
  'exclusive-min-set': ['request-body-exclusive-min-set', 'request-property-exclusive-min-set', 'request-parameter-exclusive-min-set'],
  'exclusive-min-unset': ['response-body-exclusive-min-unset', 'response-property-exclusive-min-unset'],
  'max-length-decreased': [
    'request-body-max-length-decreased', 'request-property-max-length-decreased', 'request-parameter-max-length-decreased',
    'request-read-only-property-max-length-decreased',
  ],
  'max-length-increased': [
    'request-body-max-length-increased', 'request-property-max-length-increased', 'request-parameter-max-length-increased',
    'response-body-max-length-increased', 'response-property-max-length-increased',
  ],
  'max-length-set': ['request-body-max-length-set', 'request-property-max-length-set', 'request-parameter-max-length-set'],
  'max-length-unset': ['response-body-max-length-unset', 'response-property-max-length-unset'],
  'min-length-decreased': [
    'request-body-min-length-decreased', 'request-property-min-length-decreased', 'request-parameter-min-length-decreased',
    'response-body-min-length-decreased', 'response-property-min-length-decreased',
  ],
  'min-length-increased': ['request-body-min-length-increased', 'request-property-min-length-increased', 'request-parameter-min-length-increased'],
  'min-length-set': ['request-body-min-length-set', 'request-property-min-length-set', 'request-parameter-min-length-set'],
  'min-length-unset': ['response-body-min-length-unset', 'response-property-min-length-unset'],
  'max-items-decreased': ['request-body-max-items-decreased', 'request-property-max-items-decreased', 'request-parameter-max-items-decreased'],
  'max-items-increased': [
    'request-body-max-items-increased', 'request-property-max-items-increased', 'request-parameter-max-items-increased',
    'response-body-max-items-increased', 'response-property-max-items-increased',
  ],
  'max-items-set': ['request-body-max-items-set', 'request-property-max-items-set', 'request-parameter-max-items-set'],
  'max-items-unset': ['response-body-max-items-unset', 'response-property-max-items-unset'],
  'min-items-decreased': [
    'request-body-min-items-decreased', 'request-property-min-items-decreased', 'request-parameter-min-items-decreased',
    'response-body-min-items-decreased', 'response-property-min-items-decreased',
  ],
  'min-items-increased': ['request-body-min-items-increased', 'request-property-min-items-increased', 'request-parameter-min-items-increased'],
  'min-items-set': ['request-body-min-items-set', 'request-property-min-items-set', 'request-parameter-min-items-set'],
  'min-items-unset': ['response-body-min-items-unset', 'response-property-min-items-unset'],
  'max-contains-decreased': [
    'request-body-max-contains-decreased', 'request-property-max-contains-decreased', 'response-body-max-contains-decreased',
    'response-property-max-contains-decreased',
  ],
  'max-contains-increased': [
    'request-body-max-contains-increased', 'request-property-max-contains-increased', 'response-body-max-contains-increased',
    'response-property-max-contains-increased',
  ],
  'min-contains-decreased': [
    'request-body-min-contains-decreased', 'request-property-min-contains-decreased', 'response-body-min-contains-decreased',
    'response-property-min-contains-decreased',
  ],
  'min-contains-increased': [
    'request-body-min-contains-increased', 'request-property-min-contains-increased', 'response-body-min-contains-increased',
    'response-property-min-contains-increased',
  ],
  'pattern-added': ['request-body-pattern-added', 'request-property-pattern-added', 'request-parameter-pattern-added', 'response-property-pattern-added'],
  'pattern-removed': [
    'request-body-pattern-removed', 'request-property-pattern-removed', 'request-parameter-pattern-removed', 'response-property-pattern-removed',
  ],
  'pattern-generalized': ['request-body-pattern-generalized', 'request-property-pattern-generalized', 'request-parameter-pattern-generalized'],
  'pattern-changed': [
    'request-body-pattern-changed', 'request-property-pattern-changed', 'request-parameter-pattern-changed', 'response-property-pattern-changed',
  ],
});

type Bound = 'max' | 'exclusive-max' | 'min' | 'exclusive-min' | 'max-length' | 'min-length' | 'max-items' | 'min-items' | 'max-contains' | 'min-contains';

const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

export function compareBounds(d: SchemaReporter<keyof typeof BOUND_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  // A keyword that does not apply to the declared type (maxItems on a string) validates nothing.
  const types = new Set([...typesOf(bn), ...typesOf(rn)]);
  const applies = (name: Bound): boolean => {
    if (types.size === 0) return true;
    if (name.includes('items') || name.includes('contains')) return types.has('array');
    if (name.includes('length')) return types.has('string');
    return types.has('number') || types.has('integer');
  };
  const bound = (name: Bound, bv: number | undefined, rv: number | undefined): void => {
    if (bv === rv || !applies(name)) return;
    if (bv !== undefined && rv !== undefined) d.emit(ctx, `${name}-${rv < bv ? 'decreased' : 'increased'}`, `${name} changed from ${bv} to ${rv}`);
    // No rule covers adding or removing maxContains/minContains.
    else if (name === 'max-contains' || name === 'min-contains') return;
    else if (bv === undefined) d.emit(ctx, `${name}-set`, `${name} set to ${rv}`);
    else d.emit(ctx, `${name}-unset`, `${name} ${bv} removed`);
  };
  // OpenAPI 3.0 spells exclusivity as a boolean next to minimum/maximum; 3.1 as a number.
  const maxOf = (s: JsonObject): [number | undefined, number | undefined] => (s.exclusiveMaximum === true ? [undefined, num(s.maximum)] : [num(s.maximum), num(s.exclusiveMaximum)]);
  const minOf = (s: JsonObject): [number | undefined, number | undefined] => (s.exclusiveMinimum === true ? [undefined, num(s.minimum)] : [num(s.minimum), num(s.exclusiveMinimum)]);
  const [bMax, bXMax] = maxOf(bn);
  const [rMax, rXMax] = maxOf(rn);
  const [bMin, bXMin] = minOf(bn);
  const [rMin, rXMin] = minOf(rn);
  bound('max', bMax, rMax);
  bound('exclusive-max', bXMax, rXMax);
  bound('min', bMin, rMin);
  bound('exclusive-min', bXMin, rXMin);
  bound('max-length', num(bn.maxLength), num(rn.maxLength));
  bound('min-length', num(bn.minLength), num(rn.minLength));
  bound('max-items', num(bn.maxItems), num(rn.maxItems));
  bound('min-items', num(bn.minItems), num(rn.minItems));
  bound('max-contains', num(bn.maxContains), num(rn.maxContains));
  bound('min-contains', num(bn.minContains), num(rn.minContains));
  comparePattern(d, bn, rn, ctx);
}

function comparePattern(d: SchemaReporter<keyof typeof BOUND_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  // An empty pattern matches everything: same as none.
  const bp = typeof bn.pattern === 'string' && bn.pattern !== '' ? bn.pattern : undefined;
  const rp = typeof rn.pattern === 'string' && rn.pattern !== '' ? rn.pattern : undefined;
  if (bp === rp) return;
  if (bp === undefined) d.emit(ctx, 'pattern-added', `pattern ${rp} added`);
  else if (rp === undefined) d.emit(ctx, 'pattern-removed', `pattern ${bp} removed`);
  else if (rp === '.*' || rp === '^.*$') d.emit(ctx, 'pattern-generalized', `pattern changed from ${bp} to ${rp}`);
  else if (ctx.dir === 'request' && patternOverlap(bp, rp) === 'disjoint') {
    // Every value a client built for the old pattern is refused now: for typed clients that is a break,
    // although the generated types (which carry no pattern) still compile.
    d.emit(ctx, 'pattern-changed', `pattern changed from ${bp} to ${rp}; no value matches both`, { clientLevel: 'breaking' });
  } else d.emit(ctx, 'pattern-changed', `pattern changed from ${bp} to ${rp}`);
}
