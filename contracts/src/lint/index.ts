import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { contractPaths } from '../paths.js';
import { lintAsyncApi } from './asyncapi.js';
import { lintGraphql } from './graphql.js';
import { lintOpenApi } from './openapi.js';
import { displayPath, type LintOptions, type LintProblem } from './problem.js';

export { lintAsyncApi } from './asyncapi.js';
export { lintGraphql } from './graphql.js';
export { lintOpenApi } from './openapi.js';
export { cleanappPlugin } from './plugin.js';
export { countBySeverity, formatProblem, type LintOptions, type LintProblem, type Severity } from './problem.js';

export type TargetKind = 'openapi' | 'asyncapi' | 'graphql';

export interface Target {
  kind: TargetKind;
  /** Absolute path: the root document, or for GraphQL the folder of subgraphs (or one `.graphql` file). */
  path: string;
}

/** The real contracts of this package. */
export const contractTargets = (): Target[] => [
  { kind: 'openapi', path: contractPaths.openapiSource },
  { kind: 'asyncapi', path: contractPaths.asyncapiSource },
  { kind: 'graphql', path: contractPaths.subgraphs },
];

/** A root document is AsyncAPI when it says so in its first lines; anything else goes to Redocly (OpenAPI/Swagger). */
function documentKind(file: string): TargetKind {
  if (extname(file) === '.graphql') return 'graphql';
  let head = '';
  try {
    head = readFileSync(file, 'utf8').slice(0, 4096);
  } catch {
    // unreadable: the OpenAPI linter reports it as an `io` problem
  }
  return /(^|[\n{,])\s*["']?asyncapi["']?\s*:/.test(head) ? 'asyncapi' : 'openapi';
}

const firstExisting = (dir: string, names: string[]) => names.map((n) => join(dir, n)).find((p) => existsSync(p));
const hasGraphql = (dir: string) => existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.graphql'));

/**
 * What to lint for a CLI argument. A file is linted as what it is; a folder laid out like `contracts/`
 * (openapi/openapi.yaml, events/asyncapi.yaml, graphql/) or holding root documents / `*.graphql`
 * directly yields every contract found in it.
 */
export function resolveTargets(arg: string, cwd = process.cwd()): Target[] {
  const path = resolve(cwd, arg);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [{ kind: documentKind(path), path }];
  const targets: Target[] = [];
  const openapi = firstExisting(path, ['openapi/openapi.yaml', 'openapi/openapi.yml', 'openapi/openapi.json', 'openapi.yaml', 'openapi.yml', 'openapi.json']);
  const asyncapi = firstExisting(path, ['events/asyncapi.yaml', 'events/asyncapi.yml', 'events/asyncapi.json', 'asyncapi.yaml', 'asyncapi.yml', 'asyncapi.json']);
  if (openapi) targets.push({ kind: 'openapi', path: openapi });
  if (asyncapi) targets.push({ kind: 'asyncapi', path: asyncapi });
  if (hasGraphql(join(path, 'graphql'))) targets.push({ kind: 'graphql', path: join(path, 'graphql') });
  else if (hasGraphql(path)) targets.push({ kind: 'graphql', path });
  return targets;
}

const linters: Record<TargetKind, (path: string, options: LintOptions) => Promise<LintProblem[]>> = {
  openapi: lintOpenApi,
  asyncapi: lintAsyncApi,
  graphql: lintGraphql,
};

/**
 * Lints the given targets (default: the real contracts); problems come back in target order. Targets
 * run concurrently so the AsyncAPI parser's worker thread overlaps with the rest. Never throws for bad input.
 */
export async function lintTargets(targets: Target[] = contractTargets(), options: LintOptions = {}): Promise<LintProblem[]> {
  const results = await Promise.all(
    targets.map((t) =>
      linters[t.kind](t.path, options).catch((error: unknown): LintProblem[] => [
        // A linter crashing on odd input is still a finding about that file, not a stack trace.
        { file: displayPath(t.path, options.cwd), pointer: '', severity: 'error', rule: 'internal', message: `${t.kind} lint failed: ${(error as Error).message}` },
      ]),
    ),
  );
  return results.flat();
}
