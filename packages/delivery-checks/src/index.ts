export { parseActionlintOutput, runActionlint, type ActionlintResult } from './actionlint.js';
export { checkComposeFile, composeSchemaPath, findComposeFiles, isAbsoluteHostPath, parseCompose, policyProblems, schemaProblems } from './compose.js';
export { findRepoRoot } from './paths.js';
export { formatProblem, pointerOf, type Problem } from './problem.js';
export {
  runnerFlags,
  subgraphCheckFlags,
  SUBGRAPH_CHECK_COMMAND,
  smokeCommandsInScript,
  smokeInvocationsInCompose,
  smokeInvocationsInWorkflow,
  gateCallProblems,
  gateCallsInWorkflow,
  unknownFlagProblems,
  unusedInterfaceProblems,
  workflowCallInterface,
  type RunnerFlags,
  type SmokeInvocation,
} from './smoke-flags.js';
export { lintRepo, type LintReport } from './lint.js';
export { interpolate, InterpolationError } from './interpolate.js';
