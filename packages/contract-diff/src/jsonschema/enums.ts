// Value sets: enum (and `x-extensible-enum`), const and default.
import type { JsonObject } from '../refs.js';
import { schemaRules, type SchemaCtx, type SchemaReporter } from './context.js';
import { canon, listValues, show } from './values.js';

export const ENUM_RULES = schemaRules({
  'enum-removed': ['response-body-enum-removed', 'response-property-enum-removed', 'response-header-enum-removed'],
  'became-enum': ['request-body-became-enum', 'request-property-became-enum', 'request-parameter-became-enum', 'request-header-property-became-enum'],
  'enum-value-removed': [
    'request-body-enum-value-removed', 'request-property-enum-value-removed', 'request-parameter-enum-value-removed',
    'request-parameter-property-enum-value-removed', 'response-property-enum-value-removed', 'request-read-only-property-enum-value-removed',
  ],
  'enum-value-added': [
    'request-body-enum-value-added', 'request-property-enum-value-added', 'request-parameter-enum-value-added',
    'request-parameter-property-enum-value-added', 'response-body-enum-value-added', 'response-property-enum-value-added',
    'response-header-enum-value-added', 'response-write-only-property-enum-value-added',
  ],
  'x-extensible-enum-value-removed': [
    'request-body-x-extensible-enum-value-removed', 'request-property-x-extensible-enum-value-removed',
    'request-parameter-x-extensible-enum-value-removed',
  ],
  'const-added': [
    'request-body-const-added', 'request-property-const-added', 'request-parameter-const-added', 'response-body-const-added',
    'response-property-const-added',
  ],
  'const-removed': [
    'request-body-const-removed', 'request-property-const-removed', 'request-parameter-const-removed', 'response-body-const-removed',
    'response-property-const-removed',
  ],
  'const-changed': [
    'request-body-const-changed', 'request-property-const-changed', 'request-parameter-const-changed', 'response-body-const-changed',
    'response-property-const-changed',
  ],
  'default-value-added': [
    'request-body-default-value-added', 'request-property-default-value-added', 'request-parameter-default-value-added',
    'response-body-default-value-added', 'response-property-default-value-added',
  ],
  'default-value-removed': [
    'request-body-default-value-removed', 'request-property-default-value-removed', 'request-parameter-default-value-removed',
    'response-body-default-value-removed', 'response-property-default-value-removed',
  ],
  'default-value-changed': [
    'request-body-default-value-changed', 'request-property-default-value-changed', 'request-parameter-default-value-changed',
    'response-body-default-value-changed', 'response-property-default-value-changed',
  ],
});

export function compareEnum(d: SchemaReporter<keyof typeof ENUM_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  const be = Array.isArray(bn.enum) ? bn.enum.filter((v) => v !== null) : undefined;
  const re = Array.isArray(rn.enum) ? rn.enum.filter((v) => v !== null) : undefined;
  if (!re) {
    // Readers that switch over the old values now get anything.
    if (be && ctx.dir === 'response') d.emit(ctx, 'enum-removed', `no longer restricted to ${listValues(be)}`);
  } else if (!be) {
    if (ctx.dir === 'request') d.emit(ctx, 'became-enum', `now restricted to ${listValues(re)}`);
  } else {
    const bs = new Set(be.map(canon));
    const rs = new Set(re.map(canon));
    for (const v of be)
      if (!rs.has(canon(v))) {
        // oasdiff reports a response body's own enum under the media type.
        if (ctx.dir === 'response' && ctx.where === 'body')
          d.out.emit('response-mediatype-enum-value-removed', ctx.kind, { location: ctx.loc, operation: ctx.operation, path: ctx.path, detail: `value ${show(v)} removed` });
        else d.emit(ctx, 'enum-value-removed', `value ${show(v)} removed`);
      }
    for (const v of re) if (!bs.has(canon(v))) d.emit(ctx, 'enum-value-added', `value ${show(v)} added`);
  }
  const bx = bn['x-extensible-enum'];
  const rx = rn['x-extensible-enum'];
  if (!Array.isArray(bx) || !Array.isArray(rx)) return;
  const rxs = new Set(rx.map(canon));
  for (const v of bx) if (!rxs.has(canon(v))) d.emit(ctx, 'x-extensible-enum-value-removed', `value ${show(v)} removed`);
}

export function compareValueKeywords(d: SchemaReporter<keyof typeof ENUM_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  for (const [kw, what] of [
    ['const', 'const'],
    ['default', 'default-value'],
  ] as const) {
    const bv = bn[kw];
    const rv = rn[kw];
    if (bv === undefined && rv === undefined) continue;
    if (bv !== undefined && rv !== undefined && canon(bv) === canon(rv)) continue;
    if (bv === undefined) d.emit(ctx, `${what}-added`, `${kw} ${show(rv!)} added`);
    else if (rv === undefined) d.emit(ctx, `${what}-removed`, `${kw} ${show(bv)} removed`);
    else d.emit(ctx, `${what}-changed`, `${kw} changed from ${show(bv)} to ${show(rv)}`);
  }
}
