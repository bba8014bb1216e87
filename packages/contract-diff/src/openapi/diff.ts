// OpenAPI 3.0/3.1 comparison: endpoints are matched by method + path with parameter names erased
// (`/reports/{id}` == `/reports/{reportId}`), parameters by location + name (path parameters by their
// position in the template), bodies by media type, responses by status.
import { Emitter, type EmitFields } from '../emitter.js';
import type { Policy, SchemaCtx } from '../jsonschema/context.js';
import { SchemaDiffer } from '../jsonschema/differ.js';
import { deprecationChange, removalOf, stabilityChange, stabilityRank, type Deprecation, type Removal, type StabilityChange, type StabilityLevel } from '../jsonschema/lifecycle.js';
import { show } from '../jsonschema/values.js';
import { documentSides, isObject, memberPair, type DocumentSet, type DocumentSides, type Json, type JsonObject, type Located } from '../refs.js';
import type { RuleId } from '../rules.js';
import type { Change } from '../types.js';
import { diffSecuritySchemes } from './security.js';
import { diffOperationServers, diffServers } from './servers.js';
import { schemaUsage } from './usage.js';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `baseUrl`/`revisionUrl`: where the documents live (relative `$ref`s resolve against them). */
export interface OpenApiDiffOptions extends DocumentSides {
  /** Endpoints less stable than this (`x-stability-level`) are not checked; default `beta`. */
  stabilityLevel?: StabilityLevel;
  /** Days of notice a deprecation must give (`x-sunset`); default 0 = sunset not required. */
  deprecationDays?: { beta?: number; stable?: number };
  /** "Today" for sunset comparisons (tests pin it). */
  now?: Date;
}

interface Op {
  method: string;
  template: string;
  node: JsonObject;
  url: string;
  item: JsonObject;
  itemUrl: string;
}

/** The operation and path template every finding under an operation carries. */
type Target = { operation: string; path: string };

export function diffOpenApi(base: unknown, revision: unknown, options: OpenApiDiffOptions = {}): Change[] {
  const { baseUrl, revisionUrl, baseDocs: bDocs, revisionDocs: rDocs } = documentSides(base, revision, options, 'yaml');
  const policy: Policy = {
    deprecationDays: { beta: options.deprecationDays?.beta ?? 0, stable: options.deprecationDays?.stable ?? 0 },
    now: options.now ?? new Date(),
    usedIn: schemaUsage(isObject(revision) ? revision : {}, rDocs, revisionUrl),
  };
  const out = new Emitter();
  const engine = new OpenApiDiff(out, bDocs, rDocs, policy, options.stabilityLevel ?? 'beta');
  engine.run({ node: base as Json, url: baseUrl }, { node: revision as Json, url: revisionUrl });
  return out.changes;
}

/** `/a/{id}/b` → `/a/{}/b`, so that renaming a template variable is not a change. */
export function normalizePath(p: string): string {
  return p.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

class OpenApiDiff {
  private readonly schemas: SchemaDiffer;

  constructor(
    private readonly out: Emitter,
    private readonly bDocs: DocumentSet,
    private readonly rDocs: DocumentSet,
    private readonly policy: Policy,
    private readonly threshold: StabilityLevel,
  ) {
    this.schemas = new SchemaDiffer(out, bDocs, rDocs, policy);
  }

  run(b: Located, r: Located): void {
    const bRoot = isObject(b.node) ? b.node : {};
    const rRoot = isObject(r.node) ? r.node : {};
    this.diffPaths(this.collect(bRoot.paths, b.url, this.bDocs), this.collect(rRoot.paths, r.url, this.rDocs), bRoot, rRoot, false);
    this.diffPaths(this.collect(bRoot.webhooks, b.url, this.bDocs, true), this.collect(rRoot.webhooks, r.url, this.rDocs, true), bRoot, rRoot, true);
    this.diffGlobalSecurity(bRoot, rRoot);
    diffSecuritySchemes({ out: this.out, bDocs: this.bDocs, rDocs: this.rDocs, bRoot, rRoot, bUrl: b.url, rUrl: r.url });
    diffServers(this.out, bRoot, rRoot);
    this.diffComponentSchemas(bRoot, rRoot);
  }

  private collect(paths: Json | undefined, url: string, docs: DocumentSet, webhooks = false): Map<string, Op[]> {
    const map = new Map<string, Op[]>();
    if (!isObject(paths)) return map;
    for (const [template, raw] of Object.entries(paths)) {
      const item = docs.deref(raw, url);
      if (!isObject(item.node)) continue;
      const ops: Op[] = [];
      for (const m of METHODS) {
        const o = docs.deref(item.node[m], item.url);
        if (isObject(o.node)) ops.push({ method: m.toUpperCase(), template, node: o.node, url: o.url, item: item.node, itemUrl: item.url });
      }
      map.set(webhooks ? template : normalizePath(template), ops);
    }
    return map;
  }

  private diffPaths(bPaths: Map<string, Op[]>, rPaths: Map<string, Op[]>, bRoot: JsonObject, rRoot: JsonObject, webhooks: boolean): void {
    for (const [key, bOps] of bPaths) {
      const rOps = rPaths.get(key);
      if (!rOps) {
        if (webhooks) {
          const path = bOps[0]?.template ?? key;
          this.out.emit('webhook-removed', 'webhook', { location: `webhook ${key}`, path, detail: key });
          continue;
        }
        for (const op of bOps) this.removedEndpoint(op, true);
        continue;
      }
      for (const bOp of bOps) {
        const rOp = rOps.find((o) => o.method === bOp.method);
        if (!rOp) this.removedEndpoint(bOp, false);
        else this.diffOperation(bOp, rOp, bRoot, rRoot, webhooks);
      }
      for (const rOp of rOps)
        if (!bOps.some((o) => o.method === rOp.method) && !webhooks)
          this.out.emit('endpoint-added', 'endpoint', { location: label(rOp), operation: rOp.method, path: rOp.template });
    }
    for (const [key, rOps] of rPaths) {
      if (bPaths.has(key)) continue;
      if (webhooks) {
        this.out.emit('webhook-added', 'webhook', { location: `webhook ${key}`, path: key, detail: key });
        continue;
      }
      for (const op of rOps) this.out.emit('endpoint-added', 'endpoint', { location: label(op), operation: op.method, path: op.template });
    }
  }

  private removedEndpoint(op: Op, wholePath: boolean): void {
    const rank = stabilityRank(op.node['x-stability-level']);
    if (rank !== -1 && rank < stabilityRank(this.threshold)) return; // draft/alpha promised nothing
    const { change, note } = removalOf(op.node, this.policy.now);
    const f: EmitFields = { location: label(op), operation: op.method, path: op.template };
    if (note) f.detail = note;
    this.out.emit((wholePath ? PATH_REMOVAL : ENDPOINT_REMOVAL)[change], 'endpoint', f);
  }

  private diffOperation(b: Op, r: Op, bRoot: JsonObject, rRoot: JsonObject, webhook: boolean): void {
    const opLabel = webhook ? `webhook ${b.template} ${b.method}` : label(r);
    const base = { operation: r.method, path: r.template };
    const f = { location: opLabel, ...base };

    // Stability first: it also decides whether the rest is checked at all.
    const stability = stabilityChange(b.node['x-stability-level'], r.node['x-stability-level']);
    if (stability) this.out.emit(ENDPOINT_STABILITY[stability.change], 'endpoint', { ...f, detail: stability.note });
    if (stability?.change === 'invalid') return;
    // Draft/alpha endpoints promise nothing (below the configured threshold).
    if (stabilityRank(b.node['x-stability-level']) < stabilityRank(this.threshold)) return;

    const deprecation = deprecationChange(b.node, r.node, this.policy);
    if (deprecation) this.out.emit(ENDPOINT_DEPRECATION[deprecation.change], 'endpoint', deprecation.note ? { ...f, detail: deprecation.note } : f);
    // Inherited global security is reported once, globally; here only operation-level overrides.
    if (b.node.security !== undefined || r.node.security !== undefined)
      this.diffSecurity(b.node.security ?? bRoot.security, r.node.security ?? rRoot.security, f, false);
    if (b.node.operationId !== r.node.operationId) {
      if (b.node.operationId !== undefined) this.out.emit('api-operation-id-removed', 'endpoint', { ...f, detail: show(b.node.operationId) });
      if (r.node.operationId !== undefined) this.out.emit('api-operation-id-added', 'endpoint', { ...f, detail: show(r.node.operationId) });
    }
    const bt = strings(b.node.tags);
    const rt = strings(r.node.tags);
    for (const t of bt) if (!rt.includes(t)) this.out.emit('api-tag-removed', 'endpoint', { ...f, detail: t });
    for (const t of rt) if (!bt.includes(t)) this.out.emit('api-tag-added', 'endpoint', { ...f, detail: t });

    if (!webhook) diffOperationServers(this.out, bRoot, rRoot, b, r, f);
    if (webhook) this.diffSentParameters(b, r, opLabel, base, 'webhook-parameter');
    else this.diffParameters(b, r, opLabel, base);
    // Webhooks run the other way round, like callbacks: the API writes the request (subscribers read
    // it: response rules) and subscribers write the response (the API reads it: request rules).
    this.diffRequestBody(b, r, opLabel, base, webhook ? 'response' : 'request');
    this.diffResponses(b, r, opLabel, base, webhook ? 'request' : 'response');
    this.diffCallbacks(b, r, opLabel, base);
  }

  /**
   * Callbacks run the other way round: the API sends the callback request (clients read it:
   * response rules) and clients send the callback response (the API reads it: request rules).
   */
  private diffCallbacks(b: Op, r: Op, opLabel: string, base: Target): void {
    const [bc, rc] = memberPair(b.node, r.node, 'callbacks');
    for (const name of Object.keys(bc)) {
      const loc = `${opLabel} callback ${name}`;
      if (!(name in rc)) {
        this.out.emit('api-callback-removed', 'callback', { location: loc, ...base, detail: name });
        continue;
      }
      const bcb = this.bDocs.deref(bc[name], b.url);
      const rcb = this.rDocs.deref(rc[name], r.url);
      if (!isObject(bcb.node) || !isObject(rcb.node)) continue;
      for (const expr of Object.keys(bcb.node)) {
        const bItem = this.bDocs.deref(bcb.node[expr], bcb.url);
        const rItem = this.rDocs.deref(rcb.node[expr], rcb.url);
        if (!isObject(bItem.node)) continue;
        for (const m of METHODS) {
          const bo = this.bDocs.deref(bItem.node[m], bItem.url);
          if (!isObject(bo.node)) continue;
          const cbLoc = `${loc} ${m.toUpperCase()} ${expr}`;
          const ro = isObject(rItem.node) ? this.rDocs.deref(rItem.node[m], rItem.url) : { node: undefined, url: rItem.url };
          if (!isObject(ro.node)) {
            this.out.emit('api-callback-removed', 'callback', { location: cbLoc, ...base, detail: `${name} ${m.toUpperCase()} ${expr}` });
            continue;
          }
          const callbackOp = (item: Located, op: Located): Op => ({ method: m, template: expr, node: op.node as JsonObject, url: op.url, item: isObject(item.node) ? item.node : {}, itemUrl: item.url });
          this.diffSentParameters(callbackOp(bItem, bo), callbackOp(rItem, ro), cbLoc, base, 'callback-parameter');
          this.diffContent(this.bDocs.deref(bo.node.requestBody, bo.url), this.rDocs.deref(ro.node.requestBody, ro.url), 'response', `${cbLoc} request body`, base);
          const bres = isObject(bo.node.responses) ? bo.node.responses : {};
          const rres = isObject(ro.node.responses) ? ro.node.responses : {};
          for (const status of Object.keys(bres))
            if (status in rres)
              this.diffContent(this.bDocs.deref(bres[status], bo.url), this.rDocs.deref(rres[status], ro.url), 'request', `${cbLoc} response ${status}`, base);
        }
      }
    }
    for (const name of Object.keys(rc)) if (!(name in bc)) this.out.emit('api-callback-added', 'callback', { location: `${opLabel} callback ${name}`, ...base, detail: name });
  }

  /**
   * Security requirements are alternatives (OR) of scheme sets (AND). Going from none to some, or
   * adding a scope to a requirement, shuts existing clients out; adding an alternative does not.
   */
  private diffSecurity(bSec: Json | undefined, rSec: Json | undefined, f: { location: string; operation?: string; path?: string }, global: boolean): void {
    const norm = (s: Json | undefined): Map<string, Map<string, string[]>> => {
      const m = new Map<string, Map<string, string[]>>();
      if (!Array.isArray(s)) return m;
      for (const req of s) {
        if (!isObject(req)) continue;
        const schemes = new Map<string, string[]>();
        for (const [k, v] of Object.entries(req)) schemes.set(k, strings(v));
        m.set([...schemes.keys()].sort().join('+'), schemes);
      }
      return m;
    };
    const bm = norm(bSec);
    const rm = norm(rSec);
    const ids = global ? GLOBAL_SECURITY : OPERATION_SECURITY;
    const bOpen = bm.size === 0 || bm.has('');
    const rOpen = rm.size === 0 || rm.has('');
    for (const [k, schemes] of rm) {
      if (k === '') continue;
      const prev = bm.get(k);
      if (!prev) {
        this.out.emit(ids.added, 'security', { ...f, detail: `security requirement ${k} added`, level: bOpen ? 'breaking' : 'info' });
        continue;
      }
      for (const [scheme, scopes] of schemes) {
        const before = prev.get(scheme) ?? [];
        for (const sc of scopes)
          if (!before.includes(sc)) this.out.emit(ids.scopeAdded, 'security', { ...f, detail: `scope ${sc} added to ${scheme}`, level: 'breaking' });
        for (const sc of before) if (!scopes.includes(sc)) this.out.emit(ids.scopeRemoved, 'security', { ...f, detail: `scope ${sc} removed from ${scheme}` });
      }
    }
    for (const k of bm.keys()) {
      if (k === '' || rm.has(k)) continue;
      // Removing the only way in (without opening the endpoint) locks out clients that used it.
      this.out.emit(ids.removed, 'security', { ...f, detail: `security requirement ${k} removed`, level: rOpen ? 'info' : 'warning' });
    }
  }

  private diffGlobalSecurity(b: JsonObject, r: JsonObject): void {
    this.diffSecurity(b.security, r.security, { location: 'security' }, true);
  }

  private diffComponentSchemas(b: JsonObject, r: JsonObject): void {
    const bs = isObject(b.components) && isObject(b.components.schemas) ? b.components.schemas : {};
    const rs = isObject(r.components) && isObject(r.components.schemas) ? r.components.schemas : {};
    for (const name of Object.keys(bs)) if (!(name in rs)) this.out.emit('api-schema-removed', 'components', { location: `components.schemas.${name}`, detail: name });
  }

  // ---- parameters -------------------------------------------------------------------------

  private params(op: Op, docs: DocumentSet): Map<string, { node: JsonObject; url: string; fromPath: boolean }> {
    const vars = [...op.template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    const map = new Map<string, { node: JsonObject; url: string; fromPath: boolean }>();
    const add = (list: Json | undefined, url: string, fromPath: boolean): void => {
      if (!Array.isArray(list)) return;
      for (const raw of list) {
        const p = docs.deref(raw, url);
        if (!isObject(p.node) || typeof p.node.name !== 'string') continue;
        const where = String(p.node.in);
        // OpenAPI: header parameters named Accept, Content-Type or Authorization "SHALL be ignored".
        if (where === 'header' && /^(accept|content-type|authorization)$/i.test(p.node.name)) continue;
        const key =
          where === 'path'
            ? `path#${vars.indexOf(p.node.name) === -1 ? p.node.name : vars.indexOf(p.node.name)}`
            : where === 'header'
              ? `header:${p.node.name.toLowerCase()}`
              : `${where}:${p.node.name}`;
        map.set(key, { node: p.node, url: p.url, fromPath });
      }
    };
    add(op.item.parameters, op.itemUrl, true);
    add(op.node.parameters, op.url, false); // operation-level parameters override path-level ones
    return map;
  }

  private diffParameters(b: Op, r: Op, opLabel: string, base: Target): void {
    const bp = this.params(b, this.bDocs);
    const rp = this.params(r, this.rDocs);
    for (const [key, bv] of bp) {
      const name = String(bv.node.name);
      const where = String(bv.node.in);
      const f = { location: `${opLabel} parameter ${where} ${name}`, ...base, detail: `${where} parameter ${name}` };
      const rv = rp.get(key);
      if (!rv) {
        this.out.emit(PARAMETER_REMOVAL[removalOf(bv.node, this.policy.now).change], 'request-parameter', f);
        continue;
      }
      const bReq = bv.node.required === true || where === 'path';
      const rReq = rv.node.required === true || where === 'path';
      if (bReq !== rReq) this.out.emit(rReq ? 'request-parameter-became-required' : 'request-parameter-became-optional', 'request-parameter', f);
      const deprecation = deprecationChange(bv.node, rv.node, this.policy);
      const depId = deprecation && PARAMETER_DEPRECATION[deprecation.change];
      if (deprecation && depId) this.out.emit(depId, 'request-parameter', deprecation.note ? { ...f, detail: `${f.detail} (${deprecation.note})` } : f);
      // style/explode decide the wire format (`a,b` vs `a=a&a=b`): clients built on the old one break.
      const serialization = (p: JsonObject): string => `${String(p.style ?? (where === 'query' || where === 'cookie' ? 'form' : 'simple'))}/${String(p.explode ?? (p.style ?? (where === 'query' || where === 'cookie' ? 'form' : 'simple')) === 'form')}`;
      if (serialization(bv.node) !== serialization(rv.node))
        this.out.emit('request-parameter-serialization-changed', 'request-parameter', { ...f, detail: `${f.detail}: style/explode ${serialization(bv.node)} → ${serialization(rv.node)}` });
      const ctx: SchemaCtx = { dir: 'request', where: 'parameter', prop: '', loc: `${opLabel} parameter ${where} ${name}`, ...base, kind: 'request-parameter', paramIn: where };
      this.schemas.diff(paramSchema(bv, this.bDocs), paramSchema(rv, this.rDocs), ctx);
    }
    for (const [key, rv] of rp) {
      if (bp.has(key)) continue;
      const name = String(rv.node.name);
      const where = String(rv.node.in);
      const f = { location: `${opLabel} parameter ${where} ${name}`, ...base, detail: `${where} parameter ${name}` };
      const required = rv.node.required === true;
      if (where === 'path') this.out.emit('new-request-path-parameter', 'request-parameter', f);
      else if (rv.fromPath) this.out.emit(required ? 'new-required-request-default-parameter-to-existing-path' : 'new-optional-request-default-parameter-to-existing-path', 'request-parameter', f);
      else this.out.emit(required ? 'new-required-request-parameter' : 'new-optional-request-parameter', 'request-parameter', f);
    }
  }

  /**
   * The parameters of a webhook or callback request (in practice headers: signatures, delivery ids) are
   * sent by the API and read by subscribers, so they follow the response-header rules: one that goes or
   * becomes optional breaks the subscribers that read it; a new one, required or not, is only more to ignore.
   */
  private diffSentParameters(b: Op, r: Op, opLabel: string, base: Target, kind: 'webhook-parameter' | 'callback-parameter'): void {
    const bp = this.params(b, this.bDocs);
    const rp = this.params(r, this.rDocs);
    const fieldsOf = (p: JsonObject) => {
      const detail = `${String(p.in)} parameter ${String(p.name)}`;
      return { location: `${opLabel} parameter ${String(p.in)} ${String(p.name)}`, ...base, detail };
    };
    for (const [key, bv] of bp) {
      const f = fieldsOf(bv.node);
      const required = bv.node.required === true || bv.node.in === 'path';
      const rv = rp.get(key);
      if (!rv) {
        this.out.emit(required ? 'required-response-header-removed' : 'optional-response-header-removed', kind, f);
        continue;
      }
      if (required && !(rv.node.required === true || rv.node.in === 'path')) this.out.emit('response-header-became-optional', kind, f);
      const deprecation = deprecationChange(bv.node, rv.node, this.policy);
      const depId = deprecation && PARAMETER_DEPRECATION[deprecation.change];
      if (deprecation && depId) this.out.emit(depId, kind, deprecation.note ? { ...f, detail: `${f.detail} (${deprecation.note})` } : f);
      this.schemas.diff(paramSchema(bv, this.bDocs), paramSchema(rv, this.rDocs), { dir: 'response', where: 'response-header', prop: '', loc: f.location, ...base, kind });
    }
    for (const [key, rv] of rp) if (!bp.has(key)) this.out.emit('response-header-added', kind, fieldsOf(rv.node));
  }

  // ---- request body -----------------------------------------------------------------------

  private diffRequestBody(b: Op, r: Op, opLabel: string, base: Target, dir: 'request' | 'response'): void {
    const bb = this.bDocs.deref(b.node.requestBody, b.url);
    const rb = this.rDocs.deref(r.node.requestBody, r.url);
    const f = { location: `${opLabel} request body`, ...base };
    if (!isObject(bb.node) && !isObject(rb.node)) return;
    if (!isObject(bb.node)) {
      this.out.emit(isObject(rb.node) && rb.node.required === true ? 'request-body-added-required' : 'request-body-added-optional', 'request-body', f);
      return;
    }
    if (!isObject(rb.node)) {
      this.out.emit('request-body-removed', 'request-body', f);
      return;
    }
    const bReq = bb.node.required === true;
    const rReq = rb.node.required === true;
    // A webhook body that becomes optional may no longer come at all: its readers (subscribers) break.
    // Becoming required keeps oasdiff's verdict (README, Not covered yet).
    if (bReq !== rReq) this.out.emit(rReq ? 'request-body-became-required' : 'request-body-became-optional', 'request-body', !rReq && dir === 'response' ? { ...f, level: 'breaking', detail: 'subscribers may receive no body' } : f);
    this.diffContent(bb, rb, dir, `${opLabel} request body`, base);
  }

  private diffContent(b: Located, r: Located, dir: 'request' | 'response', loc: string, base: Target): void {
    const [bc, rc] = memberPair(b.node, r.node, 'content');
    const kind = `${dir}-body`;
    // Media types match exactly, else ignoring parameters and case (`application/json; charset=utf-8`).
    const bare = (mt: string): string => mt.split(';')[0]!.trim().toLowerCase();
    const pair = new Map<string, string>();
    for (const mt of Object.keys(bc)) {
      const match = mt in rc ? mt : Object.keys(rc).find((x) => !(x in bc) && bare(x) === bare(mt));
      if (match !== undefined) pair.set(mt, match);
    }
    const matchedRev = new Set(pair.values());
    for (const mt of Object.keys(bc)) {
      const f = { location: `${loc} ${mt}`, ...base, detail: mt };
      const rmt = pair.get(mt);
      if (rmt === undefined) {
        this.out.emit(dir === 'request' ? 'request-body-media-type-removed' : 'response-media-type-removed', kind, f);
        continue;
      }
      const bm = this.bDocs.deref(bc[mt], b.url);
      const rm = this.rDocs.deref(rc[rmt], r.url);
      const bs = isObject(bm.node) ? bm.node.schema : undefined;
      const rs = isObject(rm.node) ? rm.node.schema : undefined;
      if (bs === undefined && rs === undefined) continue;
      if (bs === undefined) this.out.emit(dir === 'request' ? 'request-body-media-type-schema-added' : 'response-body-media-type-schema-added', kind, f);
      else if (rs === undefined) this.out.emit(dir === 'request' ? 'request-body-media-type-schema-removed' : 'response-body-media-type-schema-removed', kind, f);
      else this.schemas.diff({ node: bs, url: bm.url }, { node: rs, url: rm.url }, { dir, where: 'body', prop: '', loc: `${loc} ${mt}`, ...base, kind, mediaType: mt });
    }
    for (const mt of Object.keys(rc))
      if (!matchedRev.has(mt)) this.out.emit(dir === 'request' ? 'request-body-media-type-added' : 'response-media-type-added', kind, { location: `${loc} ${mt}`, ...base, detail: mt });
  }

  // ---- responses --------------------------------------------------------------------------

  private diffResponses(b: Op, r: Op, opLabel: string, base: Target, dir: 'request' | 'response'): void {
    const [br, rr] = memberPair(b.node, r.node, 'responses');
    const success = (s: string): boolean => /^2/.test(s);
    // A status missing on one side may be covered by its range on the other (`200` ↔ `2XX`).
    const range = (s: string): string => `${s[0]}XX`;
    const counterpart = (status: string, other: JsonObject): string | undefined =>
      status in other ? status : /^\d{3}$/.test(status) && range(status) in other ? range(status) : /^\dXX$/i.test(status) ? Object.keys(other).find((k) => /^\d{3}$/.test(k) && range(k) === status.toUpperCase()) : undefined;
    const matchedRev = new Set<string>();
    for (const status of Object.keys(br)) {
      const f = { location: `${opLabel} response ${status}`, ...base, detail: `status ${status}` };
      const rStatus = counterpart(status, rr);
      if (rStatus === undefined || matchedRev.has(rStatus)) {
        this.out.emit(success(status) ? 'response-success-status-removed' : 'response-non-success-status-removed', 'response', f);
        continue;
      }
      matchedRev.add(rStatus);
      const bResp = this.bDocs.deref(br[status], b.url);
      const rResp = this.rDocs.deref(rr[rStatus], r.url);
      this.diffResponseHeaders(bResp, rResp, `${opLabel} response ${status}`, base);
      this.diffContent(bResp, rResp, dir, `${opLabel} response ${status}`, base);
    }
    for (const status of Object.keys(rr))
      if (!matchedRev.has(status))
        this.out.emit(success(status) ? 'response-success-status-added' : 'response-non-success-status-added', 'response', {
          location: `${opLabel} response ${status}`,
          ...base,
          detail: `status ${status}`,
        });
  }

  private diffResponseHeaders(b: Located, r: Located, loc: string, base: Target): void {
    const [bh, rh] = memberPair(b.node, r.node, 'headers');
    const lower = (o: JsonObject): Map<string, Json> => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
    const bl = lower(bh);
    const rl = lower(rh);
    for (const [name, raw] of bl) {
      const bn = this.bDocs.deref(raw, b.url);
      const f = { location: `${loc} header ${name}`, ...base, detail: name };
      const rraw = rl.get(name);
      const required = isObject(bn.node) && bn.node.required === true;
      if (rraw === undefined) {
        this.out.emit(required ? 'required-response-header-removed' : 'optional-response-header-removed', 'response-header', f);
        continue;
      }
      const rn = this.rDocs.deref(rraw, r.url);
      if (!isObject(bn.node) || !isObject(rn.node)) continue;
      if (required && rn.node.required !== true) this.out.emit('response-header-became-optional', 'response-header', f);
      const bs = bn.node.schema;
      const rs = rn.node.schema;
      if (bs !== undefined && rs !== undefined)
        this.schemas.diff({ node: bs, url: bn.url }, { node: rs, url: rn.url }, { dir: 'response', where: 'response-header', prop: '', loc: f.location, ...base, kind: 'response-header' });
    }
    for (const name of rl.keys()) if (!bl.has(name)) this.out.emit('response-header-added', 'response-header', { location: `${loc} header ${name}`, ...base, detail: name });
  }
}

// Lifecycle outcomes (jsonschema/lifecycle.ts) as oasdiff names them for each kind of item. Parameters
// are not checked for a too-near sunset (oasdiff's request-parameter-sunset-date-too-small): a dated
// deprecation is reported as such.
const PATH_REMOVAL: Record<Removal, RuleId> = {
  'removed-without-deprecation': 'api-path-removed-without-deprecation',
  'removed-with-deprecation': 'api-path-removed-with-deprecation',
  'removed-before-sunset': 'api-path-removed-before-sunset',
  'sunset-invalid': 'api-path-sunset-parse',
};
const ENDPOINT_REMOVAL: Record<Removal, RuleId> = {
  'removed-without-deprecation': 'api-removed-without-deprecation',
  'removed-with-deprecation': 'api-removed-with-deprecation',
  'removed-before-sunset': 'api-removed-before-sunset',
  'sunset-invalid': 'api-path-sunset-parse',
};
const PARAMETER_REMOVAL: Record<Removal, RuleId> = {
  'removed-without-deprecation': 'request-parameter-removed',
  'removed-with-deprecation': 'request-parameter-removed-with-deprecation',
  'removed-before-sunset': 'request-parameter-removed-before-sunset',
  'sunset-invalid': 'request-parameter-sunset-parse',
};
const ENDPOINT_DEPRECATION: Record<Deprecation, RuleId> = {
  deprecated: 'endpoint-deprecated',
  'sunset-missing': 'api-deprecated-sunset-missing',
  'sunset-invalid': 'api-deprecated-sunset-parse',
  'sunset-too-small': 'api-sunset-date-too-small',
  'deprecated-with-sunset': 'endpoint-deprecated-with-sunset',
  reactivated: 'endpoint-reactivated',
  'sunset-deleted': 'sunset-deleted',
  'sunset-changed-invalid': 'api-path-sunset-parse',
  'sunset-changed-too-small': 'api-sunset-date-changed-too-small',
};
const PARAMETER_DEPRECATION: Record<Deprecation, RuleId> = {
  deprecated: 'request-parameter-deprecated',
  'sunset-missing': 'request-parameter-deprecated-sunset-missing',
  'sunset-invalid': 'request-parameter-sunset-parse',
  'sunset-too-small': 'request-parameter-deprecated',
  'deprecated-with-sunset': 'request-parameter-deprecated',
  reactivated: 'request-parameter-reactivated',
  'sunset-deleted': 'request-parameter-sunset-deleted',
  'sunset-changed-invalid': 'request-parameter-sunset-parse',
  'sunset-changed-too-small': 'request-parameter-sunset-date-changed-too-small',
};
const ENDPOINT_STABILITY: Record<StabilityChange, RuleId> = {
  decreased: 'api-stability-decreased',
  increased: 'api-stability-increased',
  invalid: 'api-invalid-stability-level',
};

type SecurityIds = Record<'added' | 'removed' | 'scopeAdded' | 'scopeRemoved', RuleId>;
const GLOBAL_SECURITY: SecurityIds = {
  added: 'api-global-security-added',
  removed: 'api-global-security-removed',
  scopeAdded: 'api-global-security-scope-added',
  scopeRemoved: 'api-global-security-scope-removed',
};
const OPERATION_SECURITY: SecurityIds = {
  added: 'api-security-added',
  removed: 'api-security-removed',
  scopeAdded: 'api-security-scope-added',
  scopeRemoved: 'api-security-scope-removed',
};

function label(op: Op): string {
  return `${op.method} ${op.template}`;
}

function strings(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A parameter's schema, or the schema of its single `content` media type. */
function paramSchema(p: { node: JsonObject; url: string }, docs: DocumentSet): Located {
  if (p.node.schema !== undefined) return { node: p.node.schema, url: p.url };
  if (isObject(p.node.content)) {
    const first = Object.values(p.node.content)[0];
    const mt = docs.deref(first, p.url);
    if (isObject(mt.node)) return { node: mt.node.schema, url: mt.url };
  }
  return { node: undefined, url: p.url };
}
