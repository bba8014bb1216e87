// Where operations live: `servers` at the root, path item and operation level. The root servers name
// deployments (clients configure the host: production, sandbox, a reference stack on some port), so a
// new host that keeps the base path is info, as oasdiff has it; a base path that no server keeps any more
// moves every route under it. Path- and operation-level servers are part of the operation (generated
// clients call them as written): one that puts the operation on another host than before, relative to
// the API's own servers, moves it.
import type { Emitter } from '../emitter.js';
import { isObject, type Json, type JsonObject } from '../refs.js';

interface Server {
  /** `host[:port]`, '' for a URL relative to the document. */
  host: string;
  /** Path without a trailing slash, '' for the root. */
  basePath: string;
  url: string;
}

type Located = { location: string; operation?: string; path?: string };

/** The servers of a list, variables replaced by their defaults; undefined when the list is absent. */
function serversOf(list: Json | undefined): Server[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Server[] = [];
  for (const s of list) {
    if (!isObject(s) || typeof s.url !== 'string') continue;
    const vars = isObject(s.variables) ? s.variables : {};
    const url = s.url.replace(/\{([^}]*)\}/g, (_, v: string) => {
      const d = isObject(vars[v]) ? vars[v].default : undefined;
      return typeof d === 'string' ? d : v;
    });
    try {
      const u = new URL(url, 'http://relative.invalid/');
      out.push({ host: u.host === 'relative.invalid' ? '' : u.host.toLowerCase(), basePath: u.pathname.replace(/\/+$/, ''), url: s.url });
    } catch {
      out.push({ host: '', basePath: url.replace(/\/+$/, ''), url: s.url });
    }
  }
  return out;
}

/** OpenAPI: without `servers`, the default is a single server at `/`. */
const DEFAULT: Server[] = [{ host: '', basePath: '', url: '/' }];

const show = (list: Server[]): string => list.map((s) => s.url).join(', ');

/** A base path the old servers had and no new one keeps: every route under it moved. */
function diffBasePaths(out: Emitter, b: Server[], r: Server[], f: Located): void {
  const kept = new Set(r.map((s) => s.basePath));
  const gone = [...new Set(b.map((s) => s.basePath))].filter((p) => !kept.has(p));
  for (const p of gone) out.emit('api-server-base-path-changed', 'server', { ...f, detail: `base path ${JSON.stringify(p || '/')} (${show(b)} → ${show(r)})` });
}

export function diffServers(out: Emitter, bRoot: JsonObject, rRoot: JsonObject): void {
  const b = serversOf(bRoot.servers) ?? DEFAULT;
  const r = serversOf(rRoot.servers) ?? DEFAULT;
  const f = { location: 'servers' };
  diffBasePaths(out, b, r, f);
  const key = (s: Server): string => `${s.host}${s.basePath}`;
  const bKeys = new Set(b.map(key));
  const rKeys = new Set(r.map(key));
  const removed = b.filter((s) => !rKeys.has(key(s)));
  const added = r.filter((s) => !bKeys.has(key(s)));
  const keptPaths = new Set(r.map((s) => s.basePath));
  // A host replaced or dropped while its base path lives on: another deployment of the same API.
  for (const s of removed) if (keptPaths.has(s.basePath)) out.emit('api-server-host-changed', 'server', { ...f, detail: `${s.url} → ${show(r)}` });
  if (removed.length === 0) for (const s of added) out.emit('api-server-added', 'server', { ...f, detail: s.url });
}

/**
 * An operation's own servers (path item or operation level), compared relative to the root servers of
 * each side: a host among the root's counts as "the API's host", so a deployment that renames its host
 * everywhere (oasdiff's TestBreaking_Servers) does not move the operation.
 */
export function diffOperationServers(out: Emitter, bRoot: JsonObject, rRoot: JsonObject, b: { item: JsonObject; node: JsonObject }, r: { item: JsonObject; node: JsonObject }, f: Located): void {
  const own = (side: { item: JsonObject; node: JsonObject }): Server[] | undefined => serversOf(side.node.servers) ?? serversOf(side.item.servers);
  const bOwn = own(b);
  const rOwn = own(r);
  if (!bOwn && !rOwn) return; // inherited: reported once, at the root
  const bRootList = serversOf(bRoot.servers) ?? DEFAULT;
  const rRootList = serversOf(rRoot.servers) ?? DEFAULT;
  const bList = bOwn ?? bRootList;
  const rList = rOwn ?? rRootList;
  const rel = (list: Server[], root: Server[]): Set<string> => {
    const rootHosts = new Set(root.map((s) => s.host));
    return new Set(list.map((s) => (rootHosts.has(s.host) ? '' : s.host)));
  };
  const bHosts = rel(bList, bRootList);
  const rHosts = rel(rList, rRootList);
  const loc = { ...f, location: `${f.location} servers` };
  if (![...bHosts].some((h) => rHosts.has(h))) out.emit('api-operation-server-moved', 'server', { ...loc, detail: `${show(bList)} → ${show(rList)}` });
  diffBasePaths(out, bList, rList, loc);
}
