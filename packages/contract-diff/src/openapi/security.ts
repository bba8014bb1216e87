// Security scheme components (components.securitySchemes). A scheme that operations keep referring to by
// name but that now asks for other credentials (another type, header, scheme, flow, token endpoint or
// scope) shuts out every existing caller, so those changes are breaking for a scheme the base uses.
// A scheme nothing refers to protects nothing: its changes keep oasdiff's info-level ids.
// Hosts are the deployment (a served contract names its own issuer, as it names its own server): a
// changed host with the same path stays oasdiff's info `…-oauth-url-changed`/`…-token-url-changed`.
import type { Emitter } from '../emitter.js';
import { show } from '../jsonschema/values.js';
import { isObject, memberPair, type DocumentSet, type Json, type JsonObject } from '../refs.js';
import type { Level } from '../types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Fields that decide which credentials a client sends and where (OpenAPI Security Scheme Object). */
const IDENTITY = ['type', 'in', 'name', 'scheme'] as const;
const OAUTH_URLS = ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const;

export interface SecuritySides {
  out: Emitter;
  bDocs: DocumentSet;
  rDocs: DocumentSet;
  bRoot: JsonObject;
  rRoot: JsonObject;
  bUrl: string;
  rUrl: string;
}

/** Scheme names any security requirement of the document refers to (root, operations, webhooks). */
export function schemesInUse(root: JsonObject, docs: DocumentSet, url: string): Set<string> {
  const used = new Set<string>();
  const add = (sec: Json | undefined): void => {
    if (Array.isArray(sec)) for (const req of sec) if (isObject(req)) for (const k of Object.keys(req)) used.add(k);
  };
  add(root.security);
  for (const key of ['paths', 'webhooks'] as const) {
    const paths = root[key];
    if (!isObject(paths)) continue;
    for (const raw of Object.values(paths)) {
      const item = docs.deref(raw, url);
      if (!isObject(item.node)) continue;
      for (const m of METHODS) {
        const op = docs.deref(item.node[m], item.url).node;
        if (isObject(op)) add(op.security);
      }
    }
  }
  return used;
}

/** A scheme field as the server compares it: HTTP auth schemes and header names ignore case. */
function identity(n: JsonObject, k: (typeof IDENTITY)[number]): string {
  const v = String(n[k] ?? '');
  return k === 'scheme' || k === 'type' || k === 'in' || (k === 'name' && n.in === 'header') ? v.toLowerCase() : v;
}

/** The path of a URL (absolute or relative), without a trailing slash; undefined when absent. */
function urlPath(u: Json | undefined): string | undefined {
  if (typeof u !== 'string') return undefined;
  try {
    return new URL(u, 'http://relative.invalid/').pathname.replace(/\/+$/, '');
  } catch {
    return u;
  }
}

export function diffSecuritySchemes(s: SecuritySides): void {
  const { out } = s;
  const bs = isObject(s.bRoot.components) && isObject(s.bRoot.components.securitySchemes) ? s.bRoot.components.securitySchemes : {};
  const rs = isObject(s.rRoot.components) && isObject(s.rRoot.components.securitySchemes) ? s.rRoot.components.securitySchemes : {};
  const used = Object.keys(bs).length ? schemesInUse(s.bRoot, s.bDocs, s.bUrl) : new Set<string>();
  for (const name of Object.keys(bs)) {
    const f = { location: `components.securitySchemes.${name}`, detail: name };
    if (!(name in rs)) {
      out.emit('api-security-component-removed', 'security', f);
      continue;
    }
    const bn = s.bDocs.deref(bs[name], s.bUrl).node;
    const rn = s.rDocs.deref(rs[name], s.rUrl).node;
    if (!isObject(bn) || !isObject(rn)) continue;
    const inUse = used.has(name);
    // Our rows where oasdiff has none, at info when no requirement refers to the scheme.
    const level: { level?: Level } = inUse ? {} : { level: 'info' };
    const changed: string[] = IDENTITY.filter((k) => identity(bn, k) !== identity(rn, k));
    if (urlPath(bn.openIdConnectUrl) !== urlPath(rn.openIdConnectUrl)) changed.push('openIdConnectUrl');
    if (!inUse && bn.type !== rn.type) out.emit('api-security-component-type-changed', 'security', { ...f, detail: `${name}: ${show(bn.type ?? null)} → ${show(rn.type ?? null)}` });
    const reported = inUse ? changed : changed.filter((k) => k !== 'type');
    if (reported.length)
      out.emit('api-security-scheme-changed', 'security', { ...f, ...level, detail: `${name}: ${reported.map((k) => `${k} ${show(bn[k] ?? null)} → ${show(rn[k] ?? null)}`).join(', ')}` });
    if ((bn.bearerFormat ?? null) !== (rn.bearerFormat ?? null))
      out.emit('api-security-scheme-bearer-format-changed', 'security', { ...f, ...level, detail: `${name}: ${show(bn.bearerFormat ?? null)} → ${show(rn.bearerFormat ?? null)}` });
    diffFlows(out, name, bn, rn, f.location, inUse);
  }
  for (const name of Object.keys(rs)) if (!(name in bs)) out.emit('api-security-component-added', 'security', { location: `components.securitySchemes.${name}`, detail: name });
}

function diffFlows(out: Emitter, name: string, bn: JsonObject, rn: JsonObject, location: string, inUse: boolean): void {
  const [bf, rf] = memberPair(bn, rn, 'flows');
  const level: { level?: Level } = inUse ? {} : { level: 'info' };
  for (const flow of Object.keys(rf)) if (!(flow in bf)) out.emit('api-security-oauth-flow-added', 'security', { location, detail: `${name} ${flow}` });
  for (const flow of Object.keys(bf)) {
    const bfl = bf[flow];
    const rfl = rf[flow];
    if (!(flow in rf)) {
      // Clients that obtain tokens through this grant can no longer (the other flows need other credentials).
      out.emit('api-security-oauth-flow-removed', 'security', { location, ...level, detail: `${name} ${flow}` });
      continue;
    }
    if (!isObject(bfl) || !isObject(rfl)) continue;
    for (const key of OAUTH_URLS) {
      if (bfl[key] === rfl[key] || bfl[key] === undefined) continue;
      const detail = `${name} ${flow} ${key} ${show(bfl[key] ?? null)} → ${show(rfl[key] ?? null)}`;
      if (inUse && urlPath(bfl[key]) !== urlPath(rfl[key])) out.emit('api-security-oauth-url-moved', 'security', { location, detail });
      else if (key === 'authorizationUrl') out.emit('api-security-component-oauth-url-changed', 'security', { location, detail: `${name} ${flow}` });
      else if (key === 'tokenUrl') out.emit('api-security-component-oauth-token-url-changed', 'security', { location, detail: `${name} ${flow}` });
    }
    const [bsc, rsc] = memberPair(bfl, rfl, 'scopes');
    for (const sc of Object.keys(rsc)) {
      if (!(sc in bsc)) out.emit('api-security-component-oauth-scope-added', 'security', { location, detail: `${name} ${flow} scope ${sc}` });
      else if (bsc[sc] !== rsc[sc]) out.emit('api-security-component-oauth-scope-changed', 'security', { location, detail: `${name} ${flow} scope ${sc}` });
    }
    for (const sc of Object.keys(bsc)) {
      if (sc in rsc) continue;
      // A token request naming the scope is refused (invalid_scope) by an issuer that no longer knows it.
      if (inUse) out.emit('api-security-oauth-scope-removed', 'security', { location, detail: `${name} ${flow} scope ${sc}` });
      else out.emit('api-security-component-oauth-scope-removed', 'security', { location, detail: `${name} ${flow} scope ${sc}` });
    }
  }
}
