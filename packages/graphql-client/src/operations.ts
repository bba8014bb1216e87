import * as generated from './generated/graphql.js';

const OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/**
 * Every canonical operation (src/operations/*.graphql) as GraphQL text with the fragments it uses, so tools
 * can validate this client against a candidate schema before it ships (`contract-diff subgraph-check`).
 * Read from the generated (pre-printed) documents, so a new operation is included as soon as codegen has run.
 */
export const canonicalOperations: readonly { name: string; text: string }[] = Object.values(generated as Record<string, unknown>)
  .filter((v): v is InstanceType<typeof generated.TypedDocumentString> => v instanceof generated.TypedDocumentString)
  .flatMap((doc) => {
    const text = doc.toString().trim();
    // Codegen emits the operation first and its fragments after it; fragment documents start with `fragment`.
    const name = OPERATION.exec(text)?.[1];
    return name ? [{ name: `@cleanapp/graphql-client#${name}`, text }] : [];
  })
  .sort((a, b) => a.name.localeCompare(b.name));
