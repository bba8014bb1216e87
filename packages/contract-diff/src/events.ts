// Event contracts. AsyncAPI 3: channels (address = routing key or queue name, AMQP exchange/queue
// bindings) and operations. A `send` operation is what this service produces and others consume, so its
// payload is compared like an HTTP response (consumers read it); a `receive` operation is what it
// consumes, compared like a request (producers write it). A raw JSON Schema is an event payload evolved
// by its producer and read by existing consumers: response rules.
import { Emitter } from './emitter.js';
import type { Dir } from './jsonschema/context.js';
import { SchemaDiffer } from './jsonschema/differ.js';
import { flatten } from './jsonschema/properties.js';
import { canon, show } from './jsonschema/values.js';
import { documentSides, isObject, memberPair, type DocumentSet, type DocumentSides, type Json, type JsonObject, type Located } from './refs.js';
import type { Change } from './types.js';

export type EventDiffOptions = DocumentSides;

function setup(base: unknown, revision: unknown, o: EventDiffOptions) {
  const { baseUrl, revisionUrl, baseDocs: bDocs, revisionDocs: rDocs } = documentSides(base, revision, o, 'json');
  const out = new Emitter();
  const schemas = new SchemaDiffer(out, bDocs, rDocs, { deprecationDays: { beta: 0, stable: 0 }, now: new Date() });
  return { baseUrl, revisionUrl, bDocs, rDocs, out, schemas };
}

export function diffJsonSchema(base: unknown, revision: unknown, options: EventDiffOptions = {}): Change[] {
  const { baseUrl, revisionUrl, out, schemas } = setup(base, revision, options);
  schemas.diff({ node: base as Json, url: baseUrl }, { node: revision as Json, url: revisionUrl }, { dir: 'response', where: 'body', prop: '', loc: 'payload', kind: 'event-payload' });
  return out.changes;
}

export function diffAsyncApi(base: unknown, revision: unknown, options: EventDiffOptions = {}): Change[] {
  const { baseUrl, revisionUrl, bDocs, rDocs, out, schemas } = setup(base, revision, options);
  const b = isObject(base) ? base : {};
  const r = isObject(revision) ? revision : {};
  const channels = pairById('channels', b, r);
  for (const { id, b: bNode, r: rNode } of channels.paired) {
    const bc = bDocs.deref(bNode, baseUrl);
    const loc = `channel ${id}`;
    if (rNode === undefined) {
      out.emit('event-channel-removed', 'event-channel', { location: loc, path: addressOf(bc.node), detail: `${id} (${addressOf(bc.node) ?? 'no address'})` });
      continue;
    }
    const rc = rDocs.deref(rNode, revisionUrl);
    if (!isObject(bc.node) || !isObject(rc.node)) continue;
    const path = addressOf(rc.node);
    if (bc.node.address !== rc.node.address)
      out.emit('event-channel-address-changed', 'event-channel', { location: loc, path, detail: `${show(bc.node.address ?? null)} → ${show(rc.node.address ?? null)}` });
    const bAmqp = amqp(bc, bDocs);
    const rAmqp = amqp(rc, rDocs);
    const bEx = isObject(bAmqp.exchange) ? bAmqp.exchange : undefined;
    const rEx = isObject(rAmqp.exchange) ? rAmqp.exchange : undefined;
    if (bEx && (!rEx || bEx.name !== rEx.name || bEx.type !== rEx.type))
      out.emit('event-exchange-changed', 'event-channel', {
        location: `${loc} bindings.amqp.exchange`,
        path,
        detail: `${show(bEx.name ?? null)} (${show(bEx.type ?? null)}) → ${rEx ? `${show(rEx.name ?? null)} (${show(rEx.type ?? null)})` : 'none'}`,
      });
    const bQ = isObject(bAmqp.queue) ? bAmqp.queue : undefined;
    const rQ = isObject(rAmqp.queue) ? rAmqp.queue : undefined;
    // RabbitMQ refuses to redeclare a queue with different flags (PRECONDITION_FAILED): any change breaks.
    if (bQ && (!rQ || bQ.name !== rQ.name || canon(bQ.exclusive) !== canon(rQ.exclusive) || canon(bQ.durable) !== canon(rQ.durable) || canon(bQ.autoDelete) !== canon(rQ.autoDelete)))
      out.emit('event-queue-changed', 'event-channel', { location: `${loc} bindings.amqp.queue`, path, detail: `queue ${show(bQ.name ?? null)} changed` });
    if (canon(bc.node['x-cleanapp-binds-to']) !== canon(rc.node['x-cleanapp-binds-to']))
      out.emit('event-queue-changed', 'event-channel', {
        location: `${loc} x-cleanapp-binds-to`,
        path,
        detail: `binding ${show(bc.node['x-cleanapp-binds-to'] ?? null)} → ${show(rc.node['x-cleanapp-binds-to'] ?? null)}`,
      });
  }
  for (const { id, r: rNode } of channels.added)
    out.emit('event-channel-added', 'event-channel', { location: `channel ${id}`, path: addressOf(rDocs.deref(rNode, revisionUrl).node), detail: id });

  diffPlatformExtensions(b, r, out);

  const operations = pairById('operations', b, r);
  for (const { id, b: bNode, r: rNode } of operations.paired) {
    const bo = bDocs.deref(bNode, baseUrl);
    if (!isObject(bo.node)) continue;
    const loc = `operation ${id}`;
    if (rNode === undefined) {
      out.emit('event-operation-removed', 'event-operation', { location: loc, operation: id, detail: `${id} (${show(bo.node.action ?? null)})` });
      continue;
    }
    const ro = rDocs.deref(rNode, revisionUrl);
    if (!isObject(ro.node)) continue;
    const bChan = channelOf(bo.node, bDocs, bo.url);
    const rChan = channelOf(ro.node, rDocs, ro.url);
    const path = addressOf(rChan.channel.node);
    if (bo.node.action !== ro.node.action)
      out.emit('event-operation-action-changed', 'event-operation', { location: loc, operation: id, path, detail: `${show(bo.node.action ?? null)} → ${show(ro.node.action ?? null)}` });
    if (bChan.id !== rChan.id) out.emit('event-operation-channel-changed', 'event-operation', { location: loc, operation: id, path, detail: `${bChan.id ?? '?'} → ${rChan.id ?? '?'}` });
    const dir: Dir = ro.node.action === 'receive' ? 'request' : 'response';
    const bMsgs = messagesOf(bo.node, bChan.channel, bDocs, bo.url);
    const rMsgs = messagesOf(ro.node, rChan.channel, rDocs, ro.url);
    for (const [name, bm] of bMsgs) {
      const rm = rMsgs.get(name);
      const mloc = `${loc} message ${name}`;
      if (!rm) {
        out.emit('event-message-removed', 'event-message', { location: mloc, operation: id, path, detail: name });
        continue;
      }
      // The content type decides how a consumer decodes the body at all.
      const bct = (isObject(bm.node) ? bm.node.contentType : undefined) ?? b.defaultContentType;
      const rct = (isObject(rm.node) ? rm.node.contentType : undefined) ?? r.defaultContentType;
      if (canon(bct) !== canon(rct))
        out.emit('event-message-content-type-changed', 'event-message', { location: mloc, operation: id, path, detail: `${show(bct ?? null)} → ${show(rct ?? null)}` });
      const bp = payloadOf(bm, bDocs);
      const rp = payloadOf(rm, rDocs);
      if (bp.node !== undefined && rp.node === undefined) out.emit('event-payload-removed', 'event-message', { location: mloc, operation: id, path, detail: name });
      else if (bp.node !== undefined && rp.node !== undefined)
        schemas.diff(bp, rp, { dir, where: 'body', prop: '', loc: `${mloc} payload`, operation: id, path, kind: 'event-payload' });
      const bh = isObject(bm.node) ? bm.node.headers : undefined;
      const rh = isObject(rm.node) ? rm.node.headers : undefined;
      if (bh !== undefined && rh !== undefined && isObject(bm.node) && isObject(rm.node))
        schemas.diff({ node: bh, url: bm.url }, { node: rh, url: rm.url }, { dir, where: 'body', prop: '', loc: `${mloc} headers`, operation: id, path, kind: 'event-headers' });
    }
    for (const [name, rm] of rMsgs) {
      if (bMsgs.has(name)) continue;
      const f = { location: `${loc} message ${name}`, operation: id, path, detail: name };
      // Consumers of a `send` operation meet the new message: without a tag to switch on they take it for
      // one they know. Producers (`receive`) may simply send it.
      const tag = dir === 'response' ? newTag(rm, [...bMsgs.values()], bDocs, rDocs) : undefined;
      if (dir === 'response' && typeof tag !== 'string') out.emit('event-message-added-without-discriminator', 'event-message', { ...f, detail: `${name}: ${tag?.why ?? ''}` });
      else out.emit('event-message-added', 'event-message', tag ? { ...f, detail: `${name} (${tag})` } : f);
    }
  }
  for (const { id } of operations.added) out.emit('event-operation-added', 'event-operation', { location: `operation ${id}`, operation: id, detail: id });
  return out.changes;
}

/**
 * The platform's broker conventions: per-environment name maps (services declare the mapped names)
 * and the DLX/retry topology (queue arguments; a mismatch makes redeclaration fail).
 */
function diffPlatformExtensions(b: JsonObject, r: JsonObject, out: Emitter): void {
  const bm = isObject(b['x-cleanapp-name-maps']) ? b['x-cleanapp-name-maps'] : {};
  const rm = isObject(r['x-cleanapp-name-maps']) ? r['x-cleanapp-name-maps'] : {};
  for (const env of new Set([...Object.keys(bm), ...Object.keys(rm)])) {
    const be = isObject(bm[env]) ? bm[env] : {};
    const re = isObject(rm[env]) ? rm[env] : {};
    for (const name of new Set([...Object.keys(be), ...Object.keys(re)]))
      if (canon(be[name]) !== canon(re[name]))
        out.emit('event-name-map-changed', 'event-topology', {
          location: `x-cleanapp-name-maps.${env}.${name}`,
          detail: `${env}: ${name} → ${show(be[name] ?? name)} became ${show(re[name] ?? name)}`,
        });
  }
  const bt = isObject(b['x-cleanapp-topology']) ? b['x-cleanapp-topology'] : {};
  const rt = isObject(r['x-cleanapp-topology']) ? r['x-cleanapp-topology'] : {};
  const walk = (x: Json | undefined, y: Json | undefined, path: string): void => {
    if (isObject(x) && isObject(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], path ? `${path}.${k}` : k);
    } else if (canon(x) !== canon(y)) {
      out.emit('event-topology-changed', 'event-topology', { location: `x-cleanapp-topology.${path}`, detail: `${path}: ${show(x ?? null)} → ${show(y ?? null)}` });
    }
  };
  walk(bt, rt, '');
}

/**
 * The entries of a top-level map (`channels`, `operations`) paired by id: base entries in document
 * order (`r` undefined when removed), then the ids only the revision has. Nodes stay unresolved:
 * resolving may read files or throw, so callers do it only where they did before.
 */
function pairById(key: string, b: JsonObject, r: JsonObject): { paired: { id: string; b: Json; r: Json | undefined }[]; added: { id: string; r: Json }[] } {
  const [bm, rm] = memberPair(b, r, key);
  return {
    paired: Object.keys(bm).map((id) => ({ id, b: bm[id] as Json, r: id in rm ? rm[id] : undefined })),
    added: Object.keys(rm).flatMap((id) => (id in bm ? [] : [{ id, r: rm[id] as Json }])),
  };
}

function addressOf(n: Json | undefined): string | undefined {
  return isObject(n) && typeof n.address === 'string' ? n.address : undefined;
}

function amqp(ch: Located, docs: DocumentSet): JsonObject {
  if (!isObject(ch.node)) return {};
  const bindings = docs.deref(ch.node.bindings, ch.url);
  if (!isObject(bindings.node)) return {};
  const a = docs.deref(bindings.node.amqp, bindings.url);
  return isObject(a.node) ? a.node : {};
}

function lastSegment(ref: string): string {
  const frag = ref.slice(ref.indexOf('#') + 1);
  return decodeURIComponent(frag.split('/').pop() ?? frag).replace(/~1/g, '/').replace(/~0/g, '~');
}

function channelOf(op: JsonObject, docs: DocumentSet, url: string): { id: string | undefined; channel: Located } {
  const ref = isObject(op.channel) && typeof op.channel.$ref === 'string' ? op.channel.$ref : undefined;
  return { id: ref ? lastSegment(ref) : undefined, channel: docs.deref(op.channel, url) };
}

/** The operation's messages (or, when it lists none, every message of its channel), by name. */
function messagesOf(op: JsonObject, channel: Located, docs: DocumentSet, url: string): Map<string, Located> {
  const map = new Map<string, Located>();
  if (Array.isArray(op.messages) && op.messages.length > 0) {
    op.messages.forEach((m, i) => {
      const key = isObject(m) && typeof m.$ref === 'string' ? lastSegment(m.$ref) : `#${i}`;
      map.set(key, docs.deref(m, url));
    });
    return map;
  }
  if (isObject(channel.node) && isObject(channel.node.messages))
    for (const [k, m] of Object.entries(channel.node.messages)) map.set(k, docs.deref(m, channel.url));
  return map;
}

/** AsyncAPI 3 allows `payload: {schemaFormat, schema}` (multi-format schema object). */
function payloadOf(msg: Located, docs: DocumentSet): Located {
  if (!isObject(msg.node)) return { node: undefined, url: msg.url };
  const p = docs.deref(msg.node.payload, msg.url);
  if (isObject(p.node) && typeof p.node.schemaFormat === 'string' && p.node.schema !== undefined) return { node: p.node.schema, url: p.url };
  return p.node === undefined ? { node: undefined, url: msg.url } : { node: msg.node.payload, url: msg.url };
}

/**
 * Single-valued fields a consumer can switch on before decoding the rest: top-level payload and header
 * properties with a `const` (or a one-value `enum`), and the AMQP `type` property (`bindings.amqp.messageType`).
 */
function tagsOf(msg: Located, docs: DocumentSet): Map<string, string> {
  const tags = new Map<string, string>();
  if (!isObject(msg.node)) return tags;
  const parts: [string, Located][] = [
    ['payload', payloadOf(msg, docs)],
    ['headers', { node: msg.node.headers, url: msg.url }],
  ];
  for (const [part, loc] of parts) {
    if (loc.node === undefined) continue;
    for (const [k, p] of flatten(loc, docs).props) {
      const n = docs.deref(p.node, p.url).node;
      if (!isObject(n)) continue;
      const v = n.const !== undefined ? n.const : Array.isArray(n.enum) && n.enum.length === 1 ? n.enum[0] : undefined;
      if (v !== undefined && v !== null && typeof v !== 'object') tags.set(`${part} ${k}`, canon(v));
    }
  }
  const bindings = docs.deref(msg.node.bindings, msg.url).node;
  const a = isObject(bindings) ? docs.deref(bindings.amqp, msg.url).node : undefined;
  if (isObject(a) && typeof a.messageType === 'string') tags.set('AMQP type', canon(a.messageType));
  return tags;
}

/**
 * A field every known message carries with a value of its own (so consumers can tell them apart) and
 * the new message carries with a value none of them has: its description; otherwise why there is none.
 */
function newTag(added: Located, known: Located[], bDocs: DocumentSet, rDocs: DocumentSet): string | { why: string } {
  if (known.length === 0) return 'its first message';
  const mine = tagsOf(added, rDocs);
  if (mine.size === 0) return { why: 'it has no const-valued field (payload, headers or AMQP type) to tell it apart' };
  const theirs = known.map((m) => tagsOf(m, bDocs));
  for (const [field, value] of mine) {
    const values = theirs.map((t) => t.get(field));
    if (values.some((v) => v === undefined)) continue;
    if (new Set(values).size !== values.length) continue; // known messages share a value: nobody switches on it
    if (!values.includes(value)) return `${field} ${value}`;
  }
  return { why: `none of its fields (${[...mine.keys()].join(', ')}) tells the known messages apart with a value of its own` };
}
