// The federation plumbing of a subgraph (Federation v2 subgraph spec), built from its committed SDL:
// the federation directives and scalars it uses, `_Entity`/`_Any`/`_Service`, and `Query._entities`
// and `Query._service`. The contracts' SDL stays the single source; resolvers are attached to it.
import {
  buildASTSchema,
  GraphQLError,
  isObjectType,
  parse,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  Kind,
} from 'graphql';

/** What a gateway sends to `_entities`: the `__typename` plus the entity's key fields. */
export type Representation = { __typename: string } & Record<string, unknown>;

export interface SubgraphResolvers<Ctx> {
  /** Field resolvers by type and field; fields without one use the default (property) resolver. */
  fields?: Record<string, Record<string, GraphQLFieldResolver<unknown, Ctx>>>;
  /**
   * Entity resolvers by type: all representations of that type in one call (one query per request),
   * in order; `null` for an entity that does not exist (or is hidden).
   */
  entities: Record<string, (representations: Representation[], ctx: Ctx) => Promise<(object | null)[]>>;
}

// Federation v2 definitions the subgraph SDL may reference (only what the contracts import, plus
// the usual ones so a contract author can import them without touching this file).
const FEDERATION_DEFINITIONS = /* GraphQL */ `
  scalar link__Import
  enum link__Purpose { SECURITY EXECUTION }
  scalar federation__FieldSet
  scalar _Any
  type _Service { sdl: String }
  directive @link(url: String!, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
  directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  directive @shareable repeatable on OBJECT | FIELD_DEFINITION
  directive @external on OBJECT | FIELD_DEFINITION
  directive @requires(fields: federation__FieldSet!) on FIELD_DEFINITION
  directive @provides(fields: federation__FieldSet!) on FIELD_DEFINITION
  directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
  directive @tag(name: String!) repeatable on FIELD_DEFINITION | INTERFACE | OBJECT | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
  directive @override(from: String!) on FIELD_DEFINITION
`;

/** Names of the object types that carry `@key` (the subgraph's entities). */
function entityTypes(doc: DocumentNode): string[] {
  const names = new Set<string>();
  for (const def of doc.definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.directives?.some((d) => d.name.value === 'key')) {
      names.add(def.name.value);
    }
  }
  return [...names];
}

/** Builds an executable subgraph schema from its SDL and resolvers. */
export function buildSubgraphSchema<Ctx>(sdl: string, resolvers: SubgraphResolvers<Ctx>): GraphQLSchema {
  const doc = parse(sdl);
  const entities = entityTypes(doc);
  const hasQuery = doc.definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query');
  const extra = [
    FEDERATION_DEFINITIONS,
    entities.length > 0 ? `union _Entity = ${entities.join(' | ')}` : '',
    `${hasQuery ? 'extend type' : 'type'} Query {
      ${entities.length > 0 ? '_entities(representations: [_Any!]!): [_Entity]!' : ''}
      _service: _Service!
    }`,
  ].join('\n');
  const schema = buildASTSchema(parse(`${sdl}\n${extra}`), { assumeValidSDL: false });

  for (const [typeName, fields] of Object.entries(resolvers.fields ?? {})) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`subgraph resolvers: ${typeName} is not an object type of the SDL`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defs[fieldName];
      if (!field) throw new Error(`subgraph resolvers: ${typeName}.${fieldName} is not in the SDL`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  for (const name of entities) if (!resolvers.entities[name]) throw new Error(`subgraph resolvers: no entity resolver for ${name}`);

  const query = schema.getQueryType()!.getFields();
  query._service!.resolve = () => ({ sdl });
  if (query._entities) {
    query._entities.resolve = async (_root, args: { representations: unknown[] }, ctx: Ctx) => {
      const reps = args.representations.map((r, i) => {
        const rep = r as Partial<Representation> | null;
        if (!rep || typeof rep !== 'object' || typeof rep.__typename !== 'string') {
          throw new GraphQLError(`representations[${i}] must be an object with __typename`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        if (!resolvers.entities[rep.__typename]) {
          throw new GraphQLError(`representations[${i}]: ${rep.__typename} is not an entity of this subgraph`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return rep as Representation;
      });
      // Group by type, resolve each group in one call, and put the results back in request order.
      const out: (object | null)[] = new Array(reps.length).fill(null);
      const byType = new Map<string, number[]>();
      reps.forEach((rep, i) => byType.set(rep.__typename, [...(byType.get(rep.__typename) ?? []), i]));
      for (const [typeName, indexes] of byType) {
        const resolved = await resolvers.entities[typeName]!(indexes.map((i) => reps[i]!), ctx);
        indexes.forEach((at, k) => {
          const value = resolved[k];
          out[at] = value ? { ...value, __typename: typeName } : null;
        });
      }
      return out;
    };
  }
  return schema;
}
