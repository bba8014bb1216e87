import { TypedDocumentString } from './generated/graphql.js';

export { TypedDocumentString };

/**
 * Attaches result/variable types to an operation you wrote yourself, for apps that do not run
 * graphql-codegen. The text is sent as written (no graphql-js here, so syntax errors come back from the
 * server as GraphQL errors). Prefer codegen against `@cleanapp/graphql-client/schema.graphql` for checked types.
 *
 * const MyReport = typedDocument<{ report: { title: string } | null }, { id: string }>(`
 *   query MyReport($id: ID!) { report(publicId: $id) { title } }`);
 */
export function typedDocument<TResult, TVariables = Record<string, never>>(source: string): TypedDocumentString<TResult, TVariables> {
  if (typeof source !== 'string' || !/[{]/.test(source)) {
    throw new TypeError(`typedDocument expects GraphQL operation text with a selection set ({ … }), got ${JSON.stringify(source)}`);
  }
  return new TypedDocumentString<TResult, TVariables>(source);
}
