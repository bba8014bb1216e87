// GraphQL: schema diff through @graphql-inspector/core, on the *API schema* (federation plumbing such
// as join__/link__ types, @inaccessible fields and _entities/_service stripped, so that recomposing a
// supergraph is not reported as a change), plus validation of client operations against the revision.
import { CriticalityLevel, diff as inspectorDiff, type Change as InspectorChange } from '@graphql-inspector/core';
import {
  GraphQLError,
  Kind,
  NoUnusedFragmentsRule,
  buildASTSchema,
  parse,
  specifiedRules,
  validate,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { tryComposeSupergraph } from '@cleanapp/contracts';
import { containsSupergraphSpec, transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { Emitter } from './emitter.js';
import { federationChanges } from './federation.js';
import { InputError } from './errors.js';
import { graphqlRuleId, type GraphQLInput, type OperationSource } from './graphql-ids.js';
import type { Change, Level } from './types.js';

const FEDERATION_TYPES = /^(join__|link__|federation__|_Service$|_Entity$|_Any$|_FieldSet$|FieldSet$)/;
const FEDERATION_DIRECTIVES = /^(join__|link$|inaccessible$|key$|external$|requires$|provides$|shareable$|override$|extends$|tag$|composeDirective$|interfaceObject$|authenticated$|requiresScopes$|policy$|federation__|core$)/;

/** Composes subgraphs into a supergraph SDL (the contracts' composer); the errors say why they no longer fit together. */
export function composeSubgraphs(subgraphs: readonly { name: string; sdl: string }[], name: string): { sdl: string } | { errors: string[] } {
  const result = tryComposeSupergraph(subgraphs.map((s) => ({ name: s.name, file: `${name}/${s.name}`, typeDefs: s.sdl })));
  if ('supergraphSdl' in result) return { sdl: result.supergraphSdl };
  // Unparseable SDL is unusable input, not a finding about the change.
  const syntax = result.problems.find((p) => p.code === 'SYNTAX');
  if (syntax) throw new InputError(`${name}: not valid GraphQL SDL: ${syntax.message}`);
  return { errors: result.problems.map((p) => p.message) };
}

/** The client-facing SDL of an input, or the composition errors that prevent one. */
export function apiSdl(input: GraphQLInput, name: string): { sdl: string } | { errors: string[] } {
  return typeof input === 'string' ? { sdl: input } : composeSubgraphs(input.subgraphs, name);
}

/** Builds the client-facing schema from supergraph or subgraph SDL. */
export function buildApiSchema(sdl: string, name: string): GraphQLSchema {
  let doc: DocumentNode;
  try {
    doc = parse(sdl);
  } catch (e) {
    throw new InputError(`${name}: not valid GraphQL SDL (${(e as Error).message})`);
  }
  if (containsSupergraphSpec(sdl)) {
    // The composition library knows the join/link specs best; keep our stripping as the fallback for
    // supergraphs it cannot transform (older join versions written by other composers).
    try {
      doc = transformSupergraphToPublicSchema(doc);
    } catch {
      /* fall through to generic stripping */
    }
  }
  const defined = new Set(
    doc.definitions.filter((d) => 'name' in d && d.name && !d.kind.endsWith('Extension')).map((d) => (d as { name: { value: string } }).name.value),
  );
  const inaccessible = (dirs: readonly DirectiveNode[] | undefined): boolean => (dirs ?? []).some((d) => d.name.value === 'inaccessible');
  const keepDirectives = (dirs: readonly DirectiveNode[] | undefined): DirectiveNode[] => (dirs ?? []).filter((d) => !FEDERATION_DIRECTIVES.test(d.name.value));
  const defs: DefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.DIRECTIVE_DEFINITION) {
      if (FEDERATION_DIRECTIVES.test(d.name.value)) continue;
      defs.push(d);
      continue;
    }
    if (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION) {
      const ops = (d.operationTypes ?? []) as readonly unknown[];
      if (ops.length) defs.push({ ...d, directives: keepDirectives(d.directives) } as DefinitionNode);
      continue;
    }
    if (!('name' in d) || !d.name) continue;
    const typeName = d.name.value;
    if (FEDERATION_TYPES.test(typeName) || inaccessible((d as { directives?: readonly DirectiveNode[] }).directives)) continue;
    let node = { ...d, directives: keepDirectives((d as { directives?: readonly DirectiveNode[] }).directives) } as Record<string, unknown>;
    // A subgraph may only `extend` a type owned elsewhere: make it a definition so the SDL builds.
    const kind = String(node.kind);
    if (kind.endsWith('Extension') && !defined.has(typeName)) {
      node = { ...node, kind: kind.replace('Extension', 'Definition') };
      defined.add(typeName);
    }
    for (const listKey of ['fields', 'values'] as const) {
      const list = node[listKey] as { name: { value: string }; directives?: readonly DirectiveNode[]; arguments?: unknown[] }[] | undefined;
      if (!list) continue;
      node[listKey] = list
        .filter((f) => !inaccessible(f.directives) && !(typeName === 'Query' && (f.name.value === '_entities' || f.name.value === '_service')))
        .map((f) => ({ ...f, directives: keepDirectives(f.directives) }));
    }
    if (Array.isArray(node.types)) node.types = (node.types as { name: { value: string } }[]).filter((t) => !FEDERATION_TYPES.test(t.name.value));
    if (Array.isArray(node.interfaces)) node.interfaces = (node.interfaces as { name: { value: string } }[]).filter((t) => !FEDERATION_TYPES.test(t.name.value));
    defs.push(node as unknown as DefinitionNode);
  }
  try {
    return buildASTSchema({ kind: Kind.DOCUMENT, definitions: defs }, { assumeValidSDL: true });
  } catch (e) {
    throw new InputError(`${name}: cannot build a schema (${(e as Error).message})`);
  }
}

const LEVEL: Record<string, Level> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'warning',
  [CriticalityLevel.NonBreaking]: 'info',
};

export async function diffGraphQL(baseInput: GraphQLInput, revisionInput: GraphQLInput, names = { base: 'base', revision: 'revision' }): Promise<Change[]> {
  const b = apiSdl(baseInput, names.base);
  if ('errors' in b) throw new InputError(`${names.base}: subgraphs do not compose: ${b.errors.join('; ')}`);
  const r = apiSdl(revisionInput, names.revision);
  if ('errors' in r) {
    // The change under review is what broke composition: that is the finding, not an input error.
    const out = new Emitter();
    out.emit('graphql-composition-failed', 'graphql-composition', { location: names.revision, detail: r.errors.join('; ') });
    // The federation changes say which directive change the composition errors come from.
    return [...out.changes, ...federationChanges(baseInput, revisionInput)];
  }
  const base = buildApiSchema(b.sdl, names.base);
  const revision = buildApiSchema(r.sdl, names.revision);
  const changes: InspectorChange[] = await inspectorDiff(base, revision);
  const schemaChanges = changes.map((c): Change => {
    const level = LEVEL[c.criticality.level] ?? 'info';
    const reason = c.criticality.reason ? ` (${c.criticality.reason})` : '';
    const out: Change = {
      id: graphqlRuleId(String(c.type)),
      level,
      kind: 'graphql-schema',
      location: c.path ?? 'schema',
      message: c.message + (level === 'info' ? '' : reason),
    };
    if (c.path) out.operation = c.path;
    return out;
  });
  // Keys, @shareable and @external are stripped from the API schema above: compared on the inputs.
  return [...schemaChanges, ...federationChanges(baseInput, revisionInput)];
}

interface OperationCheck {
  file: string;
  operation: string;
  errors: readonly GraphQLError[];
}

/** Validates each operation on its own (with the fragments it uses) so errors name the operation. */
export function checkOperations(schema: GraphQLSchema, sources: readonly OperationSource[]): OperationCheck[] {
  const rules = specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);
  const out: OperationCheck[] = [];
  const allFragments: FragmentDefinitionNode[] = [];
  const parsed: { name: string; doc: DocumentNode }[] = [];
  for (const s of sources) {
    let doc: DocumentNode;
    try {
      doc = parse(s.text);
    } catch (e) {
      throw new InputError(`${s.name}: not a valid GraphQL document (${(e as Error).message})`);
    }
    parsed.push({ name: s.name, doc });
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) allFragments.push(d);
  }
  for (const { name, doc } of parsed) {
    const own = new Set(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => d.name.value));
    const fragments = [...doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION), ...allFragments.filter((f) => !own.has(f.name.value))];
    // Fragments shared across files may repeat a name: keep the first of each.
    const seen = new Set<string>();
    const uniqueFragments = fragments.filter((f) => (seen.has(f.name.value) ? false : (seen.add(f.name.value), true)));
    for (const op of doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [op, ...uniqueFragments] };
      out.push({ file: name, operation: op.name?.value ?? '(anonymous)', errors: validate(schema, single, rules) });
    }
  }
  return out;
}

/**
 * Client operations that the base schema accepted but the revision rejects are breaking; ones that
 * were already invalid are reported as warnings (the clients are broken regardless of this change).
 */
export function operationChanges(baseInput: GraphQLInput, revisionInput: GraphQLInput, sources: readonly OperationSource[]): Change[] {
  const b = apiSdl(baseInput, 'base');
  const r = apiSdl(revisionInput, 'revision');
  if ('errors' in b || 'errors' in r) return []; // reported by diffGraphQL
  return operationChangesBetween(buildApiSchema(b.sdl, 'base'), buildApiSchema(r.sdl, 'revision'), sources);
}

/** {@link operationChanges} on schemas already built. */
export function operationChangesBetween(base: GraphQLSchema, revision: GraphQLSchema, sources: readonly OperationSource[]): Change[] {
  const before = new Map(checkOperations(base, sources).map((c) => [`${c.file}#${c.operation}`, c.errors.length]));
  const out = new Emitter();
  for (const c of checkOperations(revision, sources)) {
    if (c.errors.length === 0) continue;
    const wasValid = before.get(`${c.file}#${c.operation}`) === 0;
    const loc = c.errors[0]!.locations?.[0];
    out.emit(wasValid ? 'graphql-operation-invalid' : 'graphql-operation-invalid-before', 'graphql-operation', {
      location: `${c.file}${loc ? `:${loc.line}:${loc.column}` : ''}`,
      operation: c.operation,
      detail: `${c.operation}: ${c.errors.map((e) => e.message).join('; ')}`,
    });
  }
  return out.changes;
}
