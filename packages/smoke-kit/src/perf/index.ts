// The perf suite's toolkit: contract budgets + target overrides, load under autocannon, percentiles,
// verdicts with one sentence per broken limit, and the record/facts the runner reports.
export { DEFAULT_LOAD, loadSettings, resolveBudgets, type LimitName, type LimitSource, type LoadSettings, type ResolvedBudget } from './budgets.js';
export { measureLoad, measurePair, type LoadRequest } from './load.js';
export { perfFacts, perfRecord, violationMessage, writePerf } from './record.js';
export { operationRequest, type OperationRequest } from './requests.js';
export { percentile, summarize, type Measurement } from './stats.js';
export { judge, type Baseline } from './verdict.js';
