import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';

/**
 * Parses an operation you wrote yourself and attaches its result/variable types, for apps that do not
 * run graphql-codegen. Prefer codegen against `@cleanapp/graphql-client/schema.graphql` for checked types.
 *
 * const MyReport = typedDocument<{ report: { title: string } | null }, { id: string }>(`
 *   query MyReport($id: ID!) { report(publicId: $id) { title } }`);
 */
export function typedDocument<TResult, TVariables = Record<string, never>>(source: string): TypedDocumentNode<TResult, TVariables> {
  return parse(source) as TypedDocumentNode<TResult, TVariables>;
}
