// $ref resolution over parsed documents: local pointers (`#/components/...`) and relative refs to other
// files (`./schemas/report.yaml#/Report`), resolved against the URL of the document that contains them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RefError } from './errors.js';
import { parseText } from './parse.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object under `key` on each side (`{}` where absent), ready for pairing its entries by name. */
export function memberPair(b: Json | undefined, r: Json | undefined, key: string): [JsonObject, JsonObject] {
  const member = (n: Json | undefined): JsonObject => {
    const v = isObject(n) ? n[key] : undefined;
    return isObject(v) ? v : {};
  };
  return [member(b), member(r)];
}

/** A node together with the URL of the document it lives in (needed to resolve refs inside it). */
export interface Located {
  node: Json | undefined;
  url: string;
  /** The last `$ref` followed to reach the node (absolute), if any. */
  ref?: string;
}

/** Where a comparison's two documents live; preloaded sets come from the async loader. */
export interface DocumentSides {
  baseUrl?: string;
  revisionUrl?: string;
  baseDocs?: DocumentSet;
  revisionDocs?: DocumentSet;
}

/** Both sides' document sets, each root registered under its URL (`file:///base.<ext>` by default). */
export function documentSides(base: unknown, revision: unknown, o: DocumentSides, ext: string): Required<DocumentSides> {
  const baseUrl = o.baseUrl ?? `file:///base.${ext}`;
  const revisionUrl = o.revisionUrl ?? `file:///revision.${ext}`;
  const baseDocs = o.baseDocs ?? new DocumentSet();
  const revisionDocs = o.revisionDocs ?? new DocumentSet();
  if (!baseDocs.has(baseUrl)) baseDocs.add(baseUrl, base as Json);
  if (!revisionDocs.has(revisionUrl)) revisionDocs.add(revisionUrl, revision as Json);
  return { baseUrl, revisionUrl, baseDocs, revisionDocs };
}

/** Holds every document reachable from the roots; loads further local files on demand. */
export class DocumentSet {
  private readonly docs = new Map<string, Json>();
  /** Refs whose target does not exist (reported by callers as a note, compared as opaque). */
  readonly dangling = new Set<string>();
  private readonly targets = new Map<string, Json | undefined>();

  constructor(entries: Iterable<[string, Json]> = []) {
    for (const [url, doc] of entries) this.add(url, doc);
  }

  add(url: string, doc: Json): void {
    this.docs.set(stripHash(url), doc);
    this.targets.clear(); // a document may replace another under the same URL
    // JSON Schemas name themselves with `$id`; refs written against that URI mean this document.
    if (isObject(doc) && typeof doc.$id === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(doc.$id)) {
      const id = stripHash(doc.$id);
      if (!this.docs.has(id)) this.docs.set(id, doc);
    }
  }

  has(url: string): boolean {
    return this.docs.has(stripHash(url));
  }

  get(url: string): Json {
    const key = stripHash(url);
    const hit = this.docs.get(key);
    if (hit !== undefined) return hit;
    // Synchronous fallback for file refs not preloaded (the async loader preloads http refs).
    if (key.startsWith('file:')) {
      let text: string;
      try {
        text = readFileSync(fileURLToPath(key), 'utf8');
      } catch (e) {
        throw new RefError(`cannot read referenced file ${fileURLToPath(key)}: ${(e as Error).message}`);
      }
      const doc = parseText(text, key) as Json;
      this.docs.set(key, doc);
      return doc;
    }
    throw new RefError(`referenced document ${key} was not loaded`);
  }

  /** What an absolute ref points at (undefined when dangling); each target is looked up once. */
  lookup(abs: string): Located {
    const [docUrl, pointer] = splitRef(abs);
    if (!this.targets.has(abs)) this.targets.set(abs, resolvePointer(this.get(docUrl), pointer));
    return { node: this.targets.get(abs), url: docUrl, ref: abs };
  }

  /** Follows `$ref` chains (cycle-safe) and merges OpenAPI 3.1 sibling keywords over the target. */
  deref(node: Json | undefined, url: string): Located {
    let cur: Located = { node, url };
    const seen = new Set<string>();
    let siblings: JsonObject | undefined;
    while (isObject(cur.node) && typeof cur.node.$ref === 'string') {
      const abs = absoluteRef(cur.node.$ref, cur.url);
      if (seen.has(abs)) break; // a ref that points at itself: leave it unresolved
      seen.add(abs);
      const own = Object.keys(cur.node).filter((k) => k !== '$ref');
      if (own.length > 0) {
        const copy: JsonObject = {};
        for (const k of own) copy[k] = cur.node[k] as Json;
        siblings = { ...copy, ...siblings };
      }
      const target = this.lookup(abs);
      if (target.node === undefined) {
        // Real generators emit dangling refs (utoipa does); such a schema is unknown, not an error.
        this.dangling.add(abs);
        return target;
      }
      cur = target;
    }
    if (siblings && isObject(cur.node)) cur = { ...cur, node: { ...cur.node, ...siblings } };
    return cur;
  }
}

function stripHash(url: string): string {
  const i = url.indexOf('#');
  return i === -1 ? url : url.slice(0, i);
}

export function absoluteRef(ref: string, base: string): string {
  if (ref.startsWith('#')) return stripHash(base) + ref;
  const abs = new URL(ref, base).href;
  return abs.includes('#') ? abs : abs + '#';
}

function splitRef(abs: string): [string, string] {
  const i = abs.indexOf('#');
  return i === -1 ? [abs, ''] : [abs.slice(0, i), abs.slice(i + 1)];
}

function resolvePointer(doc: Json, pointer: string): Json | undefined {
  if (pointer === '' || pointer === '/') return doc;
  let cur: Json | undefined = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObject(cur)) cur = cur[key];
    else cur = undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Every external (non-`#`) ref in a document, absolute; used by the async loader to preload them. */
export function externalRefs(doc: Json, url: string): string[] {
  const out = new Set<string>();
  const walk = (n: Json): void => {
    if (Array.isArray(n)) for (const x of n) walk(x);
    else if (isObject(n)) {
      if (typeof n.$ref === 'string' && !n.$ref.startsWith('#')) out.add(stripHash(absoluteRef(n.$ref, url)));
      for (const v of Object.values(n)) walk(v);
    }
  };
  walk(doc);
  return [...out];
}
