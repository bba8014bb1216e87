// Small helpers on JSON values and schema nodes, shared by the schema modules and the contract differs.
import { absoluteRef, isObject, type DocumentSet, type Json, type JsonObject } from '../refs.js';

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

/**
 * Whether two schemas mean the same: equal values (key order aside), where a `$ref` on each side with
 * the same text leads to equivalent targets in that side's documents. Such a pair cannot yield a
 * finding, and most of a revision is unchanged, so the differ skips those pairs. One instance per
 * comparison: results are remembered per pair of refs.
 */
export class Equivalence {
  private readonly settled = new Map<string, boolean>();
  private readonly pending = new Set<string>();
  /** How often a pair still being compared was assumed equal (recursive schemas). */
  private assumed = 0;

  constructor(
    private readonly bDocs: DocumentSet,
    private readonly rDocs: DocumentSet,
  ) {}

  same(b: Json | undefined, bUrl: string, r: Json | undefined, rUrl: string): boolean {
    try {
      return this.equal(b, bUrl, r, rUrl);
    } catch {
      return false; // an unreadable ref: the full comparison reports it
    }
  }

  private equal(b: Json | undefined, bUrl: string, r: Json | undefined, rUrl: string): boolean {
    if (typeof b !== 'object' || b === null || typeof r !== 'object' || r === null) return b === r;
    if (Array.isArray(b)) {
      if (!Array.isArray(r) || b.length !== r.length) return false;
      for (let i = 0; i < b.length; i++) if (!this.equal(b[i], bUrl, r[i], rUrl)) return false;
      return true;
    }
    if (Array.isArray(r)) return false;
    const keys = Object.keys(b);
    if (keys.length !== Object.keys(r).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(r, k)) return false;
      const bv = b[k];
      const rv = r[k];
      if (k === '$ref' && typeof bv === 'string') {
        if (bv !== rv || !this.sameTarget(absoluteRef(bv, bUrl), absoluteRef(bv, rUrl))) return false;
      } else if (!this.equal(bv, bUrl, rv, rUrl)) return false;
    }
    return true;
  }

  private sameTarget(bAbs: string, rAbs: string): boolean {
    const key = `${bAbs}\u0000${rAbs}`;
    const known = this.settled.get(key);
    if (known !== undefined) return known;
    // Reached again while being compared (a recursive schema): equal unless a difference shows elsewhere.
    if (this.pending.has(key)) {
      this.assumed++;
      return true;
    }
    this.pending.add(key);
    const assumedBefore = this.assumed;
    const b = this.bDocs.lookup(bAbs);
    const r = this.rDocs.lookup(rAbs);
    const result = this.equal(b.node, b.url, r.node, r.url);
    this.pending.delete(key);
    // A "same" that leaned on an assumption is only known once the outermost pair is settled.
    if (!result || this.assumed === assumedBefore) this.settled.set(key, result);
    return result;
  }
}
