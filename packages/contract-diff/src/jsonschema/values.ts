// Small helpers on JSON values and schema nodes, shared by the schema modules and the contract differs.
import { isObject, type Json, type JsonObject } from '../refs.js';

/** Keywords that describe a value without constraining it. */
export const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'externalDocs', '$comment', 'default']);

/** Canonical text of a value: key order does not matter. */
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

/**
 * True when two values are equal (key order aside) and hold no `$ref`: such a pair means the same
 * wherever it sits, so no comparison of it can report anything. A `$ref` may point at a schema that
 * changed; those pairs get the full comparison.
 */
export function sameWithoutRefs(a: Json | undefined, b: Json | undefined): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameWithoutRefs(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.hasOwn(a, '$ref')) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || !sameWithoutRefs(a[k], b[k])) return false;
  return true;
}

export function show(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

export function listValues(values: Json[]): string {
  const head = values.slice(0, 5).map(show).join(', ');
  return values.length > 5 ? `${head}, ... (${values.length} values)` : head;
}

/** Declared types without `null` (nullability is tracked apart), sorted. */
export function typesOf(s: JsonObject): string[] {
  const t = s.type;
  if (typeof t === 'string') return t === 'null' ? [] : [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string' && x !== 'null').sort();
  return [];
}

export function closed(s: JsonObject): boolean {
  return s.additionalProperties === false || s.unevaluatedProperties === false;
}

/** A body whose media type is not JSON (form, XML, text): values travel as text either way. */
export function looselyTyped(mediaType: string | undefined): boolean {
  return mediaType !== undefined && !/json/i.test(mediaType);
}
