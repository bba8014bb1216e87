export { loadTarget, parseTarget, expandEnv, TargetError, type Target, type TestSigningKey, type ParseTargetOptions } from './target.js';
export { fetchToken, type TokenOptions } from './token.js';
export { clearTokenCache, TokenError, type AccessToken } from '@cleanapp/api-client';
export { mask, maskDeep, registerSecret, clearSecrets, registeredSecrets, MASK } from './mask.js';
export { buildCurl, shellQuote, type RecordedRequest } from './curl.js';
export { recordingFetch, exchangeOf, curlOf, HttpError, type Exchange, type RecordedResponse } from './exchange.js';
export {
  expectContract,
  expectError,
  withReproduction,
  contractValidator,
  canonicalOpenApi,
  ContractError,
  type CheckedResult,
  type ContractExpectation,
  type ContractResult,
  type ErrorEnvelope,
  type OperationId,
} from './check.js';
export {
  createTargetClients,
  suiteContext,
  newRunId,
  SUITE_CONTEXT_ENV,
  type SmokeContext,
  type SmokeFetchInit,
  type TargetClientOptions,
} from './context.js';
export { probeUrl, probeTarget, probeTokenEndpoint, type ProbeResult } from './probe.js';
export { budgetOf, longestBudget, waitWithin, BudgetExceededError, DEFAULT_BUDGETS, type BudgetName } from './budgets.js';
export { causeOf, groupFailures, groupHeadline, matrixHeadline, type FailureGroup } from './causes.js';
export { brokerName, openTap, type TappedMessage } from './broker.js';
export { recordFacts, readFacts, type Facts } from './facts.js';
export { targetServices, serviceNames, shaMatches, pinProblems, isProduction, DEFAULT_HEALTH_BUDGET_MS, type ServiceEndpoint } from './services.js';
export { deployedVersions, flagVersions, type Deployed, type DeployedService } from './deployed.js';
export { recordLatency, readLatency, clearLatency, type LatencyRecord, type LatencyResult, type LatencyStats } from './latency.js';
export { parameterExample, type ParameterExamples } from './examples.js';
export { chromiumPath, sharedChromium, startSharedChromium, CHROMIUM_ARGS, SHARED_CHROMIUM_ENV, type SharedChromium } from './browser.js';
