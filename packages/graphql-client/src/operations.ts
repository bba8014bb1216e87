import { Kind, print, type DocumentNode } from 'graphql';
import * as generated from './generated/graphql.js';

/**
 * Every canonical operation (src/operations/*.graphql) as GraphQL text with the fragments it uses, so tools
 * can validate this client against a candidate schema before it ships (`contract-diff subgraph-check`).
 * Read from the generated documents, so a new operation is included as soon as codegen has run.
 */
export const canonicalOperations: readonly { name: string; text: string }[] = Object.values(generated as Record<string, unknown>)
  .filter((v): v is DocumentNode => typeof v === 'object' && v !== null && (v as DocumentNode).kind === Kind.DOCUMENT)
  .flatMap((doc) => {
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    return op?.name ? [{ name: `@cleanapp/graphql-client#${op.name.value}`, text: print(doc) }] : [];
  })
  .sort((a, b) => a.name.localeCompare(b.name));
