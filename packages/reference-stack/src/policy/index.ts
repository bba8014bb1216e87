export { createPolicyApp, type PolicyAppDeps } from './app.js';
export { PolicyClient, PolicyUnavailableError, type PolicyDecider } from './client.js';
export { canonicalPolicy, policyFromText, PolicyEngine, PolicyEngineError, type PolicySource } from './engine.js';
export { DecisionLog } from './log.js';
export { startPolicyService, type PolicyServiceOptions } from './service.js';
