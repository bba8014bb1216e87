// @cleanapp/mocks: MSW handlers and fixtures for the CleanApp API, generated from the contract examples.
// Environment-neutral (browsers, React Native, Node): use `setupWorker` (msw/browser) or `@cleanapp/mocks/node`.
export {
  createHandlers,
  mockOperation,
  exampleBody,
  exampleResponse,
  requestIdOf,
  operationIds,
  type HandlerOptions,
  type Override,
  type OverrideContext,
  type OverrideResult,
  type Overrides,
} from './handlers.js';
export {
  createGraphqlHandlers,
  graphqlExamples,
  toGraphqlReport,
  type GraphqlErrorResult,
  type GraphqlHandlerOptions,
  type GraphqlOverride,
} from './graphql.js';
export { createWsMock, type WsMock, type WsMockOptions } from './ws.js';
export { createAuthHandlers, MOCK_USER, type AuthMock, type AuthMockOptions, type MockGrant, type MockOAuthClient } from './auth.js';
export { contractInfo, oauthFlows, operationInfo, requestExamples, responseExamples, wsExamples } from './generated/fixtures.js';
export type * from './types.js';
