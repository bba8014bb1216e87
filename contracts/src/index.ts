export { contractPaths } from './paths.js';
export { composeSupergraph, tryComposeSupergraph, readSubgraphs, CompositionError, type CompositionProblem, type Subgraph } from './compose.js';
export { loadOpenApi, loadAsyncApi, type OpenApiDocument } from './load.js';
export { finiteKeyword, requireFiniteNumbers } from './finite.js';
export { latencyBudgets, latencyShapeProblems, subgraphOwningQueryField, LATENCY_EXTENSION, ROOT_LATENCY_BUDGETS, type LatencyBudgetSpec, type LatencyShapeProblem } from './latency.js';
export { OpenApiValidator, type Operation, type Parameter, type Problem, type RequestParts } from './validator.js';
export type { SmokeTarget, SmokeTargetFile, TargetService, TestSigningKey, TargetLatency, LatencyBudget } from './target.js';
export {
  cedarAuthorizationCall,
  cedarRequest,
  loadDecisionTable,
  loadPolicy,
  loadPolicySchema,
  policyInputDigest,
  policyInputProblem,
  policyPaths,
  policyRevision,
  policyRevisionOf,
  PolicyFileError,
  POLICY_DECISION_PATH,
  type CedarRequest,
  type DecisionLogEntry,
  type DecisionRow,
  type PolicyAction,
  type PolicyDecision,
  type PolicyInput,
  type PolicyInputProblem,
  type PolicyPrincipal,
  type PolicyResource,
  type PolicyStatus,
} from './policy.js';
