// Subgraph SDL recovered from a supergraph's join__ directives (join/v0.2–v0.5), so that a check can
// replace one subgraph when only the composed supergraph of the others is at hand. The output is
// Federation 1 style SDL (no @link): what each subgraph contributes, keys kept, plumbing dropped.
import {
  Kind,
  parse,
  parseType,
  print,
  type ArgumentNode,
  type DefinitionNode,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type TypeDefinitionNode,
} from 'graphql';
import { InputError } from './errors.js';

const PLUMBING_TYPE = /^(join__|link__|core__)/;
// Directives that only exist in the supergraph (or in one federation version): never copied to a subgraph.
const SUPERGRAPH_DIRECTIVE = /^(join__|link$|core$|inaccessible$|tag$|key$|external$|requires$|provides$|shareable$|override$|extends$|composeDirective$|interfaceObject$|authenticated$|requiresScopes$|policy$|federation__)/;

function arg(d: DirectiveNode, name: string): ArgumentNode['value'] | undefined {
  return d.arguments?.find((a) => a.name.value === name)?.value;
}
function str(d: DirectiveNode, name: string): string | undefined {
  const v = arg(d, name);
  return v && (v.kind === Kind.STRING || v.kind === Kind.ENUM) ? v.value : undefined;
}
function directives(node: { directives?: readonly DirectiveNode[] | undefined }, name: string): DirectiveNode[] {
  return (node.directives ?? []).filter((d) => d.name.value === name);
}
function clientDirectives(node: { directives?: readonly ConstDirectiveNode[] | undefined }): ConstDirectiveNode[] {
  return (node.directives ?? []).filter((d) => !SUPERGRAPH_DIRECTIVE.test(d.name.value));
}
/** Graph enum values named by `@<directive>(graph: X)`; undefined when the node carries none (= all graphs of its type). */
function graphsOf(node: { directives?: readonly DirectiveNode[] | undefined }, directive: string): Set<string> | undefined {
  const ds = directives(node, directive);
  if (ds.length === 0) return undefined;
  return new Set(ds.map((d) => str(d, 'graph')).filter((g): g is string => g !== undefined));
}

/** The subgraphs a supergraph was composed from, by the names in `@join__graph(name:)`. */
export function extractSubgraphs(supergraphSdl: string, source = 'supergraph'): { name: string; sdl: string }[] {
  let doc: DocumentNode;
  try {
    doc = parse(supergraphSdl);
  } catch (e) {
    throw new InputError(`${source}: not valid GraphQL SDL (${(e as Error).message})`);
  }
  const graphEnum = doc.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  if (!graphEnum || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) throw new InputError(`${source}: not a supergraph (no join__Graph enum)`);
  const graphs = (graphEnum.values ?? []).map((v) => ({ id: v.name.value, name: (directives(v, 'join__graph')[0] && str(directives(v, 'join__graph')[0]!, 'name')) ?? v.name.value }));
  const all = new Set(graphs.map((g) => g.id));
  const perGraph = new Map<string, DefinitionNode[]>(graphs.map((g) => [g.id, []]));

  for (const d of doc.definitions) {
    if (d.kind === Kind.DIRECTIVE_DEFINITION) {
      if (!SUPERGRAPH_DIRECTIVE.test(d.name.value)) for (const g of all) perGraph.get(g)!.push(d);
      continue;
    }
    if (!('name' in d) || !d.name || PLUMBING_TYPE.test(d.name.value)) continue;
    const type = d as TypeDefinitionNode;
    const joins = directives(type, 'join__type');
    const owners = joins.length ? new Set(joins.map((j) => str(j, 'graph')).filter((g): g is string => g !== undefined)) : all;
    for (const g of owners) {
      const mine = joins.filter((j) => str(j, 'graph') === g);
      const node = projectType(type, g, owners);
      if (!node) continue;
      const keys = mine.flatMap((j) => {
        const fields = str(j, 'key');
        if (fields === undefined) return [];
        const keyArg: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: fields } };
        return [{ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'key' }, arguments: [keyArg] } as DirectiveNode];
      });
      const extension = mine.some((j) => {
        const v = arg(j, 'extension');
        return v?.kind === Kind.BOOLEAN && v.value;
      });
      const out = { ...node, directives: [...clientDirectives(type), ...keys] } as Record<string, unknown>;
      if (extension && String(out.kind).endsWith('Definition')) {
        out.kind = String(out.kind).replace('Definition', 'Extension');
        delete out.description;
      }
      perGraph.get(g)!.push(out as unknown as DefinitionNode);
    }
  }
  return graphs
    .map((g) => ({ name: g.name, sdl: perGraph.get(g.id)!.map((n) => print(n)).join('\n\n') + '\n' }))
    .filter((s) => s.sdl.trim().length > 0);
}

/** What graph `g` contributes to a type: its own fields, values, members and interfaces; undefined when nothing. */
function projectType(type: TypeDefinitionNode, g: string, owners: ReadonlySet<string>): TypeDefinitionNode | undefined {
  const inGraph = (node: { directives?: readonly DirectiveNode[] | undefined }, directive: string): boolean => (graphsOf(node, directive) ?? owners).has(g);
  switch (type.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_DEFINITION: {
      const fields = (type.fields ?? []).flatMap((f) => projectField(f, g, owners));
      if (fields.length === 0) return undefined;
      const implementsOwn = directives(type, 'join__implements');
      const interfaces: NamedTypeNode[] = implementsOwn.length
        ? implementsOwn.filter((d) => str(d, 'graph') === g).map((d) => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: str(d, 'interface') ?? '' } }))
        : [...(type.interfaces ?? [])];
      return { ...type, fields, interfaces } as TypeDefinitionNode;
    }
    case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
      const fields = (type.fields ?? []).filter((f) => inGraph(f, 'join__field')).map((f) => stripInput(f));
      return fields.length ? { ...type, fields } : undefined;
    }
    case Kind.ENUM_TYPE_DEFINITION: {
      const values = (type.values ?? []).filter((v) => inGraph(v, 'join__enumValue')).map((v): EnumValueDefinitionNode => ({ ...v, directives: clientDirectives(v) }));
      return values.length ? { ...type, values } : undefined;
    }
    case Kind.UNION_TYPE_DEFINITION: {
      const members = directives(type, 'join__unionMember');
      const types = members.length
        ? members.filter((d) => str(d, 'graph') === g).map((d): NamedTypeNode => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: str(d, 'member') ?? '' } }))
        : [...(type.types ?? [])];
      return types.length ? { ...type, types } : undefined;
    }
    case Kind.SCALAR_TYPE_DEFINITION:
      return type;
  }
}

function projectField(f: FieldDefinitionNode, g: string, owners: ReadonlySet<string>): FieldDefinitionNode[] {
  const joins = directives(f, 'join__field');
  // A @join__field without graph (or none at all) means every graph of the type resolves the field.
  const own = joins.length === 0 || joins.every((j) => str(j, 'graph') === undefined) ? (owners.has(g) ? [undefined] : []) : joins.filter((j) => str(j, 'graph') === g);
  const j = own[0];
  if (own.length === 0) return [];
  if (j) {
    const external = arg(j, 'external');
    if (external?.kind === Kind.BOOLEAN && external.value) return [];
  }
  // The graph's own type for the field when it differs from the supergraph's (e.g. nullability).
  const typeOverride = j ? str(j, 'type') : undefined;
  return [{ ...f, type: typeOverride ? parseType(typeOverride) : f.type, directives: clientDirectives(f), arguments: (f.arguments ?? []).map((a) => stripInput(a)) }];
}

function stripInput(a: InputValueDefinitionNode): InputValueDefinitionNode {
  return { ...a, directives: clientDirectives(a) };
}
