// Federation semantics the client-facing schema does not show: entity keys (how the gateway fetches an
// entity from each subgraph), @shareable (several subgraphs may resolve a field) and @external (a
// subgraph needs a field another one resolves). A changed or removed key breaks the query plans and
// the other subgraphs' references even when every field stays the same. Read from subgraph SDL
// (one subgraph, or each of a composed set) and from supergraphs (`@join__type(key:)`,
// `@join__field(external:)`).
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode, type DocumentNode } from 'graphql';
import { containsSupergraphSpec } from '@theguild/federation-composition';
import { Emitter } from './emitter.js';
import type { GraphQLInput } from './graphql-ids.js';
import type { Change } from './types.js';

interface EntityFacts {
  keys: Set<string>;
  fields: Set<string>;
  shareable: Set<string>;
  external: Set<string>;
  /** Field names this subgraph's @key/@requires/@provides field sets mention. */
  referenced: Set<string>;
}

/** Per subgraph name, per type name. */
type Facts = Map<string, Map<string, EntityFacts>>;

const TYPE_KINDS = new Set<string>([Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION, Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION]);

/** A field set with its whitespace and commas normalized (`id  org { id }` = `id org { id }`). */
function fieldSet(s: string): string {
  return s.replace(/([{}])/g, ' $1 ').split(/[\s,]+/).filter(Boolean).join(' ');
}

function arg(d: ConstDirectiveNode, name: string): string | boolean | undefined {
  const a = d.arguments?.find((x) => x.name.value === name)?.value;
  if (!a) return undefined;
  if (a.kind === Kind.STRING || a.kind === Kind.ENUM) return a.value;
  if (a.kind === Kind.BOOLEAN) return a.value;
  return undefined;
}

function entity(facts: Facts, graph: string, type: string): EntityFacts {
  let types = facts.get(graph);
  if (!types) facts.set(graph, (types = new Map()));
  let e = types.get(type);
  if (!e) types.set(type, (e = { keys: new Set(), fields: new Set(), shareable: new Set(), external: new Set(), referenced: new Set() }));
  return e;
}

const tokens = (set: string): string[] => set.split(' ').filter((t) => t !== '{' && t !== '}');

function readSubgraph(doc: DocumentNode, graph: string, facts: Facts): void {
  for (const d of doc.definitions as readonly DefinitionNode[]) {
    if (!TYPE_KINDS.has(d.kind) || !('name' in d) || !d.name) continue;
    const def = d as DefinitionNode & { name: { value: string }; directives?: readonly ConstDirectiveNode[]; fields?: readonly { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[] };
    const e = entity(facts, graph, def.name.value);
    const typeShareable = (def.directives ?? []).some((x) => x.name.value === 'shareable');
    for (const dir of def.directives ?? []) {
      const fields = dir.name.value === 'key' ? arg(dir, 'fields') : undefined;
      if (typeof fields === 'string') {
        e.keys.add(fieldSet(fields));
        for (const t of tokens(fieldSet(fields))) e.referenced.add(t);
      }
    }
    for (const f of def.fields ?? []) {
      const name = f.name.value;
      e.fields.add(name);
      if (typeShareable) e.shareable.add(name);
      for (const dir of f.directives ?? []) {
        if (dir.name.value === 'shareable') e.shareable.add(name);
        if (dir.name.value === 'external') e.external.add(name);
        const set = dir.name.value === 'requires' || dir.name.value === 'provides' ? arg(dir, 'fields') : undefined;
        if (typeof set === 'string') for (const t of tokens(fieldSet(set))) e.referenced.add(t);
      }
    }
  }
}

/** A supergraph's per-subgraph keys and externals, from its join__ directives (graph = join__Graph value). */
function readSupergraph(doc: DocumentNode, facts: Facts): void {
  for (const d of doc.definitions as readonly DefinitionNode[]) {
    if (!TYPE_KINDS.has(d.kind) || !('name' in d) || !d.name) continue;
    const def = d as DefinitionNode & { name: { value: string }; directives?: readonly ConstDirectiveNode[]; fields?: readonly { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[] };
    for (const dir of def.directives ?? []) {
      if (dir.name.value !== 'join__type') continue;
      const graph = arg(dir, 'graph');
      if (typeof graph !== 'string') continue;
      const e = entity(facts, graph, def.name.value);
      const key = arg(dir, 'key');
      if (typeof key === 'string') {
        e.keys.add(fieldSet(key));
        for (const t of tokens(fieldSet(key))) e.referenced.add(t);
      }
    }
    for (const f of def.fields ?? []) {
      for (const dir of f.directives ?? []) {
        if (dir.name.value !== 'join__field') continue;
        const graph = arg(dir, 'graph');
        if (typeof graph !== 'string') continue;
        const e = entity(facts, graph, def.name.value);
        e.fields.add(f.name.value);
        if (arg(dir, 'external') === true) e.external.add(f.name.value);
        for (const k of ['requires', 'provides']) {
          const set = arg(dir, k);
          if (typeof set === 'string') for (const t of tokens(fieldSet(set))) e.referenced.add(t);
        }
      }
    }
  }
}

function factsOf(input: GraphQLInput): Facts | undefined {
  const facts: Facts = new Map();
  try {
    if (typeof input !== 'string') {
      for (const s of input.subgraphs) readSubgraph(parse(s.sdl), s.name, facts);
      return facts;
    }
    if (containsSupergraphSpec(input)) readSupergraph(parse(input), facts);
    else readSubgraph(parse(input), 'subgraph', facts);
  } catch {
    return undefined; // unparseable SDL is reported by the schema diff
  }
  return facts;
}

/** Whether a subgraph other than `graph` also defines `type.field` in these facts. */
function resolvedElsewhere(facts: Facts, graph: string, type: string, field: string): boolean {
  for (const [g, types] of facts) if (g !== graph && types.get(type)?.fields.has(field)) return true;
  return false;
}

export function federationChanges(baseInput: GraphQLInput, revisionInput: GraphQLInput): Change[] {
  const b = factsOf(baseInput);
  const r = factsOf(revisionInput);
  if (!b || !r) return [];
  const out = new Emitter();
  // One SDL without join__ directives: the other subgraphs are unknown, so "relied on" cannot be told.
  const alone = typeof revisionInput === 'string' && r.size === 1 && r.has('subgraph');
  for (const [graph, bTypes] of b) {
    const rTypes = r.get(graph);
    if (!rTypes) continue; // a removed subgraph: its fields' removal is the schema diff's finding
    const where = alone ? '' : `subgraph ${graph} `;
    for (const [type, be] of bTypes) {
      const re = rTypes.get(type);
      if (!re) continue;
      const removed = [...be.keys].filter((k) => !re.keys.has(k));
      const added = [...re.keys].filter((k) => !be.keys.has(k));
      const f = { location: `${where}${type}`, operation: type };
      for (const k of removed)
        out.emit(added.length ? 'graphql-federation-key-changed' : 'graphql-federation-key-removed', 'graphql-federation', {
          ...f,
          detail: `${type} @key(fields: "${k}")${added.length ? ` → ${added.map((a) => `@key(fields: "${a}")`).join(', ')}` : ''}`,
        });
      if (!removed.length) for (const k of added) out.emit('graphql-federation-key-added', 'graphql-federation', { ...f, detail: `${type} @key(fields: "${k}")` });
      for (const field of be.shareable) {
        if (!re.fields.has(field) || re.shareable.has(field)) continue;
        const ff = { location: `${where}${type}.${field}`, operation: `${type}.${field}`, detail: `${type}.${field}` };
        // Another subgraph resolving the same field is what @shareable allowed; alone, nobody can tell.
        if (alone) out.emit('graphql-federation-shareable-removed', 'graphql-federation', { ...ff, level: 'warning' });
        else if (resolvedElsewhere(r, graph, type, field)) out.emit('graphql-federation-shareable-removed', 'graphql-federation', ff);
      }
      for (const field of be.external) {
        if (!re.fields.has(field) || re.external.has(field)) continue;
        const ff = { location: `${where}${type}.${field}`, operation: `${type}.${field}`, detail: `${type}.${field}` };
        // The subgraph now claims to resolve a field it only read from its owner for a key or @requires/@provides.
        out.emit('graphql-federation-external-removed', 'graphql-federation', be.referenced.has(field) ? ff : { ...ff, level: 'info' });
      }
    }
  }
  return out.changes;
}
