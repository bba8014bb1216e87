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
export { typedDocument, TypedDocumentString } from './documents.js';
export { canonicalOperations } from './operations.js';
// The canonical operations (src/operations/*.graphql), pre-printed strings typed by graphql-codegen's client preset.
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
export type { ResultOf, VariablesOf, DocumentTypeDecoration } from '@graphql-typed-document-node/core';
// Token helpers of @cleanapp/api-client (bundled into this package's dist, so it installs alone): client
// credentials for services, authorization code + PKCE for apps, both refreshing before expiry.
export {
  clientCredentialsTokenSource,
  fetchClientCredentialsToken,
  clearTokenCache,
  createPkceAuth,
  createTokenSource,
  memoryStorage,
  TokenError,
  generateRequestId,
  type AccessToken,
  type ClientCredentials,
  type ClientCredentialsOptions,
  type FetchTokenOptions,
  type KeyValueStorage,
  type PkceAuth,
  type PkceOptions,
  type TokenSource,
  type TokenSourceOptions,
} from '@cleanapp/api-client';
