// Object properties: added/removed, required-ness, readOnly/writeOnly flips and closing the object.
// Compared on the object merged with its allOf members (see flatten).
import { isObject, type DocumentSet, type Json, type JsonObject } from '../refs.js';
import type { RuleId } from '../rules.js';
import { schemaRules, type Dir, type Flat, type SchemaCtx, type View, type SchemaReporter } from './context.js';
import { comparePropertyLifecycle } from './lifecycle.js';
import { closed, typesOf } from './values.js';

export const PROPERTY_RULES = schemaRules({
  'additional-properties-closed': ['request-body-additional-properties-closed', 'request-property-additional-properties-closed'],
});

/** readOnly/writeOnly flips by direction, required-ness (judged on the revision, as oasdiff does) and new value. */
const ACCESS_FLIPS: Record<Dir, Record<'required' | 'optional', Record<'readOnly' | 'writeOnly', readonly [set: RuleId, unset: RuleId]>>> = {
  request: {
    required: {
      readOnly: ['request-required-property-became-read-only', 'request-required-property-became-not-read-only'],
      writeOnly: ['request-required-property-became-write-only', 'request-required-property-became-not-write-only'],
    },
    optional: {
      readOnly: ['request-optional-property-became-read-only', 'request-optional-property-became-not-read-only'],
      writeOnly: ['request-optional-property-became-write-only', 'request-optional-property-became-not-write-only'],
    },
  },
  response: {
    required: {
      readOnly: ['response-required-property-became-read-only', 'response-required-property-became-not-read-only'],
      writeOnly: ['response-required-property-became-write-only', 'response-required-property-became-not-write-only'],
    },
    optional: {
      readOnly: ['response-optional-property-became-read-only', 'response-optional-property-became-not-read-only'],
      writeOnly: ['response-optional-property-became-write-only', 'response-optional-property-became-not-write-only'],
    },
  },
};

export function compareProperties(d: SchemaReporter<keyof typeof PROPERTY_RULES>, b: View, r: View, ctx: SchemaCtx): void {
  const isProp = ctx.where === 'body' || ctx.where === 'property';
  // Closing an open object rejects extra fields clients may already send.
  if (ctx.dir === 'request' && isProp && !closed(b.node) && closed(r.node) && typesOf(r.node).includes('object'))
    d.emit(ctx, 'additional-properties-closed', 'additional properties are no longer allowed');
  if (ctx.skipProps) return;
  const bFlat = flatten(b, d.bDocs);
  const rFlat = flatten(r, d.rDocs);
  const isHeader = ctx.where === 'parameter' && ctx.paramIn === 'header';

  for (const [name, rLoc] of rFlat.props) {
    if (bFlat.props.has(name)) continue;
    const rs = objectAt(d.rDocs.deref(rLoc.node, rLoc.url).node);
    const required = rFlat.required.has(name);
    const prop = `${ctx.prop}/${name}`;
    if (ctx.dir === 'request' && isProp) {
      if (rs?.readOnly === true) continue; // servers ignore readOnly input
      d.emitAt(required ? (rs?.default !== undefined ? 'new-required-request-property-with-default' : 'new-required-request-property') : 'new-optional-request-property', ctx, prop);
    } else if (ctx.dir === 'request' && isHeader && required) {
      d.emitAt('new-required-request-header-property', ctx, prop);
    } else if (ctx.dir === 'response' && isProp) {
      const wo = rs?.writeOnly === true;
      d.emitAt(
        required ? (wo ? 'response-required-write-only-property-added' : 'response-required-property-added') : wo ? 'response-optional-write-only-property-added' : 'response-optional-property-added',
        ctx,
        prop,
      );
      // Readers validating with the old, closed schema reject the new property. Event consumers
      // validate every payload with the validators compiled from their contract version: breaking.
      if (closed(b.node) && !wo) d.emitAt('response-property-added-to-closed-schema', ctx, prop, { level: ctx.kind.startsWith('event') ? 'breaking' : 'warning' });
    }
  }
  for (const [name, bLoc] of bFlat.props) {
    const bs = objectAt(d.bDocs.deref(bLoc.node, bLoc.url).node);
    const rLoc = rFlat.props.get(name);
    if (!rLoc) {
      const prop = `${ctx.prop}/${name}`;
      if (ctx.dir === 'request' && isProp) d.emitAt('request-property-removed', ctx, prop);
      else if (ctx.dir === 'response' && isProp) {
        const wo = bs?.writeOnly === true;
        // A property that is removed from the schema but still listed as required is still promised.
        const required = bFlat.required.has(name);
        d.emitAt(
          required ? (wo ? 'response-required-write-only-property-removed' : 'response-required-property-removed') : wo ? 'response-optional-write-only-property-removed' : 'response-optional-property-removed',
          ctx,
          prop,
        );
      }
      continue;
    }
    const rs = objectAt(d.rDocs.deref(rLoc.node, rLoc.url).node);
    const pctx = d.nest(ctx, `/${name}`, {
      readOnly: rs?.readOnly === true || (rs === undefined && bs?.readOnly === true),
      writeOnly: rs?.writeOnly === true || (rs === undefined && bs?.writeOnly === true),
    });
    compareRequired(d, bFlat.required.has(name), rFlat.required.has(name), rs, ctx, pctx.prop);
    if (bs && rs && pctx.where === 'property') {
      compareAccess(d, bs, rs, pctx, rFlat.required.has(name));
      comparePropertyLifecycle(d, bs, rs, pctx);
    }
    d.diff(bLoc, rLoc, pctx);
  }
}

/** Required-ness of a property, judged against its revision schema (readOnly/writeOnly exempt). */
function compareRequired(d: SchemaReporter<keyof typeof PROPERTY_RULES>, bReq: boolean, rReq: boolean, rs: JsonObject | undefined, parent: SchemaCtx, prop: string): void {
  if (bReq === rReq) return;
  const isProp = parent.where === 'body' || parent.where === 'property';
  if (parent.dir === 'request') {
    if (rs?.readOnly === true) return;
    if (isProp) d.emitAt(rReq ? (rs?.default !== undefined ? 'request-property-became-required-with-default' : 'request-property-became-required') : 'request-property-became-optional', parent, prop);
    else if (parent.where === 'parameter' && parent.paramIn === 'header' && rReq) d.emitAt('request-header-property-became-required', parent, prop);
  } else if (isProp) {
    const wo = rs?.writeOnly === true;
    d.emitAt(
      rReq ? (wo ? 'response-write-only-property-became-required' : 'response-property-became-required') : wo ? 'response-write-only-property-became-optional' : 'response-property-became-optional',
      parent,
      prop,
    );
  }
}

/**
 * readOnly in what clients send (servers ignore the value) and writeOnly in what they read (servers
 * stop returning it) take the property away from that side: breaking. The other two flips only
 * document what that side never used (oasdiff's info rows). A schema the revision also uses the other
 * way round (one model for input and output) is a warning on the wire: splitting it by access is how
 * OpenAPI says "input only" or "output only" there, and oasdiff (its TestBreaking_RequiredPropertyWriteOnlyEnabled)
 * calls that not breaking. Under `--judge clients` it is breaking: the generated type keeps the property,
 * so code still compiles and silently sends a value that is ignored or reads one that never comes.
 */
function compareAccess(d: SchemaReporter<keyof typeof PROPERTY_RULES>, bs: JsonObject, rs: JsonObject, ctx: SchemaCtx, required: boolean): void {
  for (const kw of ['readOnly', 'writeOnly'] as const) {
    const rv = rs[kw] === true;
    if ((bs[kw] === true) === rv) continue;
    const taken = rv && ((kw === 'readOnly' && ctx.dir === 'request') || (kw === 'writeOnly' && ctx.dir === 'response'));
    if (taken) {
      const shared = d.policy.usedIn?.(rs, ctx.dir === 'request' ? 'response' : 'request') === true;
      d.emitAt(ctx.dir === 'request' ? 'request-property-became-read-only' : 'response-property-became-write-only', ctx, ctx.prop, shared ? { level: 'warning', clientLevel: 'breaking', detail: `${ctx.prop} (the schema is also ${ctx.dir === 'request' ? 'read' : 'sent'} by clients elsewhere)` } : {});
      continue;
    }
    const [set, unset] = ACCESS_FLIPS[ctx.dir][required ? 'required' : 'optional'][kw];
    d.emitAt(rv ? set : unset, ctx, ctx.prop);
  }
}

/**
 * Properties and `required` of an object including everything its allOf members contribute, so
 * that moving properties into (or out of) a shared allOf base is not reported as remove + add.
 */
export function flatten(s: { node: Json | undefined; url: string }, docs: DocumentSet, seen = new Set<object>()): Flat {
  const flat: Flat = { props: new Map(), required: new Set() };
  const node = docs.deref(s.node, s.url);
  if (!isObject(node.node) || seen.has(node.node)) return flat;
  seen.add(node.node);
  if (isObject(node.node.properties)) for (const [k, v] of Object.entries(node.node.properties)) flat.props.set(k, { node: v, url: node.url });
  if (Array.isArray(node.node.required)) for (const k of node.node.required) if (typeof k === 'string') flat.required.add(k);
  if (Array.isArray(node.node.allOf))
    for (const m of node.node.allOf) {
      const sub = flatten({ node: m, url: node.url }, docs, seen);
      for (const [k, v] of sub.props) if (!flat.props.has(k)) flat.props.set(k, v);
      for (const k of sub.required) flat.required.add(k);
    }
  return flat;
}

function objectAt(n: Json | undefined): JsonObject | undefined {
  return isObject(n) ? n : undefined;
}
