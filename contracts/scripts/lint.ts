// Lints the contracts: OpenAPI (Redocly + our rules), AsyncAPI (parser + Redocly), GraphQL (composition).
//   tsx scripts/lint.ts                 the real contracts of this package
//   tsx scripts/lint.ts PATH...         files, or folders laid out like contracts/ (used for fixtures)
// One line per problem `<file>#<pointer>: <severity> <rule>: <message>`, then a summary.
// Exit 1 when there is an error (warnings alone pass), 2 on a usage error.
import { warmUpAsyncApiParser } from '../src/lint/asyncapi-parser.js';
import type { Target } from '../src/lint/index.js';

const args = process.argv.slice(2);
if (args.some((a) => a === '-h' || a === '--help')) {
  console.log('usage: tsx scripts/lint.ts [PATH...]   (default: the contracts of @cleanapp/contracts)');
  process.exit(0);
}
const unknown = args.find((a) => a.startsWith('-'));
if (unknown) {
  console.error(`lint: unknown option ${unknown}\nusage: tsx scripts/lint.ts [PATH...]`);
  process.exit(2);
}

// The default run always lints the AsyncAPI document: load its parser in a worker while Redocly loads here.
if (args.length === 0) warmUpAsyncApiParser();
const { contractTargets, countBySeverity, formatProblem, lintTargets, resolveTargets } = await import('../src/lint/index.js');
const { displayPath } = await import('../src/lint/problem.js');

try {
  const targets: Target[] = args.length === 0 ? contractTargets() : args.flatMap((a) => resolveTargets(a));
  const empty = args.filter((a) => resolveTargets(a).length === 0);
  const problems = await lintTargets(targets);
  for (const a of empty) problems.push({ file: a, pointer: '', severity: 'error', rule: 'io', message: 'no OpenAPI, AsyncAPI or GraphQL contract found here' });
  // stdout only, so problems and the summary keep their order when piped.
  for (const p of problems) console.log(formatProblem(p));
  const { errors, warnings } = countBySeverity(problems);
  const what = targets.map((t) => `${displayPath(t.path)} (${t.kind})`).join(', ') || 'nothing';
  const seconds = process.uptime().toFixed(1); // wall time including startup and imports
  console.log(`${errors === 0 ? '✔' : '✖'} ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} — linted ${what} in ${seconds}s`);
  process.exitCode = errors > 0 ? 1 : 0;
} catch (error) {
  // Last resort: the linters turn bad input into problems, so this is a bug; still no stack trace.
  console.error(`lint: ${(error as Error).message}`);
  process.exitCode = 1;
}
