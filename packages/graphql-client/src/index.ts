export {
  createGraphqlClient,
  GraphqlRequestError,
  type GraphqlClient,
  type GraphqlClientOptions,
  type GraphqlErrorItem,
  type GraphqlFailureKind,
  type RequestOptions,
  type TokenProvider,
  type TypedDocument,
  type VariablesArgs,
} from './client.js';
export { typedDocument } from './documents.js';
export { canonicalOperations } from './operations.js';
// The canonical operations (src/operations/*.graphql), typed by graphql-codegen's client preset.
export { graphql, type DocumentType } from './generated/gql.js';
export {
  ReportByIdDocument,
  ReportsNearDocument,
  ReportFieldsFragmentDoc,
  type ReportByIdQuery,
  type ReportByIdQueryVariables,
  type ReportsNearQuery,
  type ReportsNearQueryVariables,
  type ReportFieldsFragment,
  type Classification,
  type Lane,
  type ProcessingStatus,
} from './generated/graphql.js';
export type { TypedDocumentNode, ResultOf, VariablesOf, DocumentTypeDecoration } from '@graphql-typed-document-node/core';
