// JSON Schema 2020 keywords: contains, propertyNames, if/then/else, unevaluated*, content*,
// patternProperties, dependentSchemas/dependentRequired and prefixItems.
import { isObject, type Json, type JsonObject } from '../refs.js';
import { schemaRules, type SchemaCtx, type SchemaReporter } from './context.js';
import { canon, show } from './values.js';

export const KEYWORD_RULES = schemaRules({
  'contains-added': ['request-body-contains-added', 'request-property-contains-added', 'response-body-contains-added', 'response-property-contains-added'],
  'contains-removed': [
    'request-body-contains-removed', 'request-property-contains-removed', 'response-body-contains-removed', 'response-property-contains-removed',
  ],
  'property-names-added': [
    'request-body-property-names-added', 'request-property-property-names-added', 'response-body-property-names-added',
    'response-property-property-names-added',
  ],
  'property-names-removed': [
    'request-body-property-names-removed', 'request-property-property-names-removed', 'response-body-property-names-removed',
    'response-property-property-names-removed',
  ],
  'if-added': ['request-body-if-added', 'request-property-if-added', 'response-body-if-added', 'response-property-if-added'],
  'if-removed': ['request-body-if-removed', 'request-property-if-removed', 'response-body-if-removed', 'response-property-if-removed'],
  'then-added': ['request-body-then-added', 'request-property-then-added', 'response-body-then-added', 'response-property-then-added'],
  'then-removed': ['request-body-then-removed', 'request-property-then-removed', 'response-body-then-removed', 'response-property-then-removed'],
  'else-added': ['request-body-else-added', 'request-property-else-added', 'response-body-else-added', 'response-property-else-added'],
  'else-removed': ['request-body-else-removed', 'request-property-else-removed', 'response-body-else-removed', 'response-property-else-removed'],
  'unevaluated-items-added': [
    'request-body-unevaluated-items-added', 'request-property-unevaluated-items-added', 'response-body-unevaluated-items-added',
    'response-property-unevaluated-items-added',
  ],
  'unevaluated-items-removed': [
    'request-body-unevaluated-items-removed', 'request-property-unevaluated-items-removed', 'response-body-unevaluated-items-removed',
    'response-property-unevaluated-items-removed',
  ],
  'unevaluated-properties-added': [
    'request-body-unevaluated-properties-added', 'request-property-unevaluated-properties-added', 'response-body-unevaluated-properties-added',
    'response-property-unevaluated-properties-added',
  ],
  'unevaluated-properties-removed': [
    'request-body-unevaluated-properties-removed', 'request-property-unevaluated-properties-removed', 'response-body-unevaluated-properties-removed',
    'response-property-unevaluated-properties-removed',
  ],
  'content-schema-added': [
    'request-body-content-schema-added', 'request-property-content-schema-added', 'response-body-content-schema-added',
    'response-property-content-schema-added',
  ],
  'content-schema-removed': [
    'request-body-content-schema-removed', 'request-property-content-schema-removed', 'response-body-content-schema-removed',
    'response-property-content-schema-removed',
  ],
  'pattern-property-added': [
    'request-body-pattern-property-added', 'request-property-pattern-property-added', 'response-body-pattern-property-added',
    'response-property-pattern-property-added',
  ],
  'pattern-property-removed': [
    'request-body-pattern-property-removed', 'request-property-pattern-property-removed', 'response-body-pattern-property-removed',
    'response-property-pattern-property-removed',
  ],
  'dependent-schema-added': [
    'request-body-dependent-schema-added', 'request-property-dependent-schema-added', 'response-body-dependent-schema-added',
    'response-property-dependent-schema-added',
  ],
  'dependent-schema-removed': [
    'request-body-dependent-schema-removed', 'request-property-dependent-schema-removed', 'response-body-dependent-schema-removed',
    'response-property-dependent-schema-removed',
  ],
  'prefix-items-added': [
    'request-body-prefix-items-added', 'request-property-prefix-items-added', 'response-body-prefix-items-added',
    'response-property-prefix-items-added',
  ],
  'prefix-items-removed': [
    'request-body-prefix-items-removed', 'request-property-prefix-items-removed', 'response-body-prefix-items-removed',
    'response-property-prefix-items-removed',
  ],
  'dependent-required-added': [
    'request-body-dependent-required-added', 'request-property-dependent-required-added', 'response-body-dependent-required-added',
    'response-property-dependent-required-added',
  ],
  'dependent-required-changed': [
    'request-body-dependent-required-changed', 'request-property-dependent-required-changed', 'response-body-dependent-required-changed',
    'response-property-dependent-required-changed',
  ],
  'dependent-required-removed': [
    'request-body-dependent-required-removed', 'request-property-dependent-required-removed', 'response-body-dependent-required-removed',
    'response-property-dependent-required-removed',
  ],
  'content-media-type-changed': [
    'request-body-content-media-type-changed', 'request-property-content-media-type-changed', 'response-body-content-media-type-changed',
    'response-property-content-media-type-changed',
  ],
  'content-encoding-changed': [
    'request-body-content-encoding-changed', 'request-property-content-encoding-changed', 'response-body-content-encoding-changed',
    'response-property-content-encoding-changed',
  ],
});

/** Keywords whose mere presence constrains values (or, removed, loosens what may come back). */
const PRESENCE = [
  ['contains', 'contains'],
  ['propertyNames', 'property-names'],
  ['if', 'if'],
  ['then', 'then'],
  ['else', 'else'],
  ['unevaluatedItems', 'unevaluated-items'],
  ['unevaluatedProperties', 'unevaluated-properties'],
  ['contentSchema', 'content-schema'],
] as const;

const KEYED = [
  ['patternProperties', 'pattern-property'],
  ['dependentSchemas', 'dependent-schema'],
] as const;

export function compareKeywords(d: SchemaReporter<keyof typeof KEYWORD_RULES>, bn: JsonObject, rn: JsonObject, ctx: SchemaCtx): void {
  for (const [kw, what] of PRESENCE) {
    if (bn[kw] === undefined && rn[kw] !== undefined) d.emit(ctx, `${what}-added`, `${kw} added`);
    else if (bn[kw] !== undefined && rn[kw] === undefined) d.emit(ctx, `${what}-removed`, `${kw} removed`);
  }
  for (const [kw, what] of KEYED) {
    const bk = isObject(bn[kw]) ? Object.keys(bn[kw]) : [];
    const rk = isObject(rn[kw]) ? Object.keys(rn[kw]) : [];
    for (const k of rk) if (!bk.includes(k)) d.emit(ctx, `${what}-added`, `${kw} ${k} added`);
    for (const k of bk) if (!rk.includes(k)) d.emit(ctx, `${what}-removed`, `${kw} ${k} removed`);
  }
  const bpi = Array.isArray(bn.prefixItems) ? bn.prefixItems.length : 0;
  const rpi = Array.isArray(rn.prefixItems) ? rn.prefixItems.length : 0;
  if (rpi > bpi) d.emit(ctx, 'prefix-items-added', `prefixItems grew from ${bpi} to ${rpi}`);
  else if (rpi < bpi) d.emit(ctx, 'prefix-items-removed', `prefixItems shrank from ${bpi} to ${rpi}`);

  const bd = isObject(bn.dependentRequired) ? bn.dependentRequired : {};
  const rd = isObject(rn.dependentRequired) ? rn.dependentRequired : {};
  for (const k of Object.keys(rd)) {
    if (!(k in bd)) d.emit(ctx, 'dependent-required-added', `dependentRequired ${k} added`);
    else if (canon(sortedArr(bd[k])) !== canon(sortedArr(rd[k]))) d.emit(ctx, 'dependent-required-changed', `dependentRequired ${k} changed`);
  }
  for (const k of Object.keys(bd)) if (!(k in rd)) d.emit(ctx, 'dependent-required-removed', `dependentRequired ${k} removed`);

  for (const [kw, what] of [
    ['contentMediaType', 'content-media-type-changed'],
    ['contentEncoding', 'content-encoding-changed'],
  ] as const)
    if (bn[kw] !== rn[kw]) d.emit(ctx, what, `${kw} changed from ${show(bn[kw] ?? null)} to ${show(rn[kw] ?? null)}`);
}

function sortedArr(v: Json | undefined): Json {
  return Array.isArray(v) ? [...v].map(String).sort() : (v ?? null);
}
