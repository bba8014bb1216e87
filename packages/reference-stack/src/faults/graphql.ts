// The GraphQL faults (src/faults.ts): a `reports` subgraph or a gateway that nobody updated, serving an
// older contract than the canonical one. The older contract is derived from the canonical SDL (the
// canonical one without `Report.seq`), so the faults stay a step behind however the contract grows.
import { composeSupergraph } from '@cleanapp/contracts';
import { Kind, parse, print, type DefinitionNode } from 'graphql';
import type { Faults } from '../faults.js';

/** What the outdated `reports` subgraph lacks: a field clients of the canonical contract select. */
export const OUTDATED_FIELD = { subgraph: 'reports', type: 'Report', field: 'seq' } as const;

/** The SDLs a GraphQL deployment serves: each subgraph's by name, and the supergraph the gateway plans over. */
export interface GraphqlContract {
  subgraphs: Record<string, string>;
  supergraph: string;
}

/** `sdl` without the field `type.field` (on every definition or extension of the type); an error when it has none. */
export function withoutField(sdl: string, type: string, field: string): string {
  let removed = 0;
  const definitions = parse(sdl).definitions.map((d): DefinitionNode => {
    if ((d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) || d.name.value !== type) return d;
    const fields = (d.fields ?? []).filter((f) => f.name.value !== field);
    removed += (d.fields?.length ?? 0) - fields.length;
    return { ...d, fields };
  });
  if (removed === 0) throw new Error(`fault: the canonical SDL has no field ${type}.${field} to leave out (update OUTDATED_FIELD in src/faults/graphql.ts)`);
  return print({ kind: Kind.DOCUMENT, definitions });
}

/** The canonical subgraph SDLs with the `reports` subgraph one version behind. */
function outdatedSubgraphs(subgraphs: Record<string, string>): Record<string, string> {
  const current = subgraphs[OUTDATED_FIELD.subgraph];
  if (current === undefined) throw new Error(`fault: no subgraph "${OUTDATED_FIELD.subgraph}" to make outdated`);
  return { ...subgraphs, [OUTDATED_FIELD.subgraph]: withoutField(current, OUTDATED_FIELD.type, OUTDATED_FIELD.field) };
}

/** A supergraph composed from a subgraph set, as the gateway's build composed it. */
function supergraphOf(subgraphs: Record<string, string>): string {
  return composeSupergraph(Object.entries(subgraphs).map(([name, typeDefs]) => ({ name, file: `${name} (outdated by fault)`, typeDefs })));
}

/**
 * The contract the GraphQL services serve and execute with, with the given faults applied (unchanged for
 * none). Both faults start from the same outdated subgraph set: `graphql-subgraph-outdated` serves it from
 * the `reports` subgraph, `graphql-gateway-outdated` plans over (and introspects as) its composition.
 */
export function withGraphqlFaults(contract: GraphqlContract, faults: Faults): GraphqlContract {
  const subgraph = faults.has('graphql-subgraph-outdated');
  const gateway = faults.has('graphql-gateway-outdated');
  if (!subgraph && !gateway) return contract;
  const outdated = outdatedSubgraphs(contract.subgraphs);
  return { subgraphs: subgraph ? outdated : contract.subgraphs, supergraph: gateway ? supergraphOf(outdated) : contract.supergraph };
}
