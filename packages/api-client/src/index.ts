export { createApiClient, type ApiClient, type ApiClientOptions, type TokenProvider } from './client.js';
export { tokenMiddleware, requestIdMiddleware } from './middleware.js';
export { generateRequestId } from './request-id.js';
export { resilientFetch, TimeoutError, type TransportOptions } from './resilient-fetch.js';
export { ApiRequestError, unwrap } from './errors.js';
export type { paths, components, operations } from './generated/schema.js';
import type { components } from './generated/schema.js';

type Schemas = components['schemas'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
export type Health = Schemas['Health'];
export type Version = Schemas['Version'];
export type ReportSubmission = Schemas['ReportSubmission'];
export type IngestReceipt = Schemas['IngestReceipt'];
export type Receipt = Schemas['Receipt'];
export type Report = Schemas['Report'];
export type Analysis = Schemas['Analysis'];
export type Lane = Schemas['Lane'];
export type ProcessingStatus = Schemas['ProcessingStatus'];
export {
  fetchClientCredentialsToken,
  clientCredentialsTokenSource,
  clearTokenCache,
  type ClientCredentials,
  type ClientCredentialsOptions,
  type FetchTokenOptions,
} from './client-credentials.js';
export { TokenError, type AccessToken, type TokenRequestOptions } from './oauth.js';
export { createTokenSource, type TokenSource, type TokenSourceOptions, type TokenFetchContext } from './token-source.js';
export {
  createPkceAuth,
  createCodeVerifier,
  codeChallengeS256,
  memoryStorage,
  type PkceAuth,
  type PkceOptions,
  type KeyValueStorage,
  type RandomSource,
} from './pkce.js';
