// `pnpm --filter @cleanapp/delivery-checks lint` (and so `pnpm lint`): actionlint on .github/workflows,
// compose-spec schema + policy on compose/, smoke flags in workflows/compose vs the runner's options.
// Prints `file[:line] pointer message [check]` per problem; exit 1 on problems, 0 when clean.
import { parseArgs } from 'node:util';
import { lintRepo } from './lint.js';
import { findRepoRoot } from './paths.js';
import { formatProblem } from './problem.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('usage: delivery-lint [--root <repo root>]  (default: the workspace root)');
  process.exit(0);
}
const root = values.root ?? findRepoRoot();
const report = await lintRepo(root);
for (const p of report.problems) console.error(formatProblem(p));
const what = `${report.workflows.length} workflows (${report.workflows.join(', ')}), ${report.composeFiles.length} compose files (${report.composeFiles.join(', ')})`;
if (report.problems.length > 0) {
  console.error(`delivery-checks: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${what}`);
  process.exit(1);
}
console.log(`delivery-checks: ${what}: no problems`);
