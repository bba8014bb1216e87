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
