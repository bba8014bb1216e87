// Public API: `diff(base, revision, options)` on parsed documents, `diffSources` on files/URLs/git refs.
// The GraphQL and event engines are imported when an input of their kind arrives, so an OpenAPI
// comparison never loads graphql, @graphql-inspector/core or federation composition (the subgraph
// check lives in the `./subgraph-check` entry for the same reason).
import { policyResult, type Config, type IgnoreEntry } from './config.js';
import { InputError } from './errors.js';
import { isGraphQLInput, type OperationSource } from './graphql-ids.js';
import { judgeChanges, type Judge } from './judge.js';
import { detectKind, loadContract } from './load.js';
import { diffOpenApi, type OpenApiDiffOptions } from './openapi/diff.js';
import type { DocumentSet } from './refs.js';
import { siblingsLoadable } from './siblings.js';
import type { Change, ContractKind, DiffResult } from './types.js';

export type { Change, ContractKind, DiffResult, Level, Summary } from './types.js';
export type { Config, IgnoreEntry } from './config.js';
export type { GraphQLInput, OperationSource } from './graphql-ids.js';
export { applyPolicy, loadConfig, loadIgnore, parseConfig, parseIgnore } from './config.js';
export { InputError } from './errors.js';
export { loadContract, detectKind } from './load.js';
export { DocumentSet } from './refs.js';
export { normalizePath } from './openapi/diff.js';
export { OPENAPI_RULES } from './openapi/rules.js';
export { RULES, type RuleId } from './rules.js';
export { formatResult, type Format } from './format.js';
export { CLIENT_RULES, JUDGES, judgeChanges, type ClientRule, type Judge } from './judge.js';

export interface DiffOptions extends Omit<OpenApiDiffOptions, 'stabilityLevel' | 'deprecationDays'> {
  /** Forces the kind instead of detecting it from the base document. */
  kind?: ContractKind;
  config?: Config;
  ignore?: readonly IgnoreEntry[];
  /** GraphQL only: client operations validated against both schemas. */
  operations?: readonly OperationSource[];
  /** `wire` (default, oasdiff-compatible) or `clients` (breaking = code built on the old generated client breaks): judge.ts. */
  judge?: Judge;
}

function kindOf(doc: unknown, name: string): ContractKind {
  return isGraphQLInput(doc) ? 'graphql' : detectKind(doc, '', name);
}

/**
 * Compares two parsed contracts (objects; GraphQL as SDL text). Both must be of the same kind.
 * Relative `$ref`s to other files resolve against `baseUrl`/`revisionUrl` (file: URLs are read on demand).
 */
export async function diff(base: unknown, revision: unknown, options: DiffOptions = {}): Promise<DiffResult> {
  const kind = options.kind ?? kindOf(base, 'base');
  const revKind = options.kind ?? kindOf(revision, 'revision');
  if (kind !== revKind) throw new InputError(`base is ${kind} but revision is ${revKind}: cannot compare different kinds of contract`);
  let changes: Change[];
  const cfg = options.config ?? {};
  switch (kind) {
    case 'openapi': {
      const o: OpenApiDiffOptions = { ...options };
      if (cfg.stabilityLevel) o.stabilityLevel = cfg.stabilityLevel;
      if (cfg.deprecationDays) o.deprecationDays = cfg.deprecationDays;
      changes = diffOpenApi(base, revision, o);
      break;
    }
    case 'graphql': {
      if (!isGraphQLInput(base) || !isGraphQLInput(revision)) throw new InputError('GraphQL inputs must be SDL text or {subgraphs: [{name, sdl}]}');
      await siblingsLoadable();
      const { diffGraphQL, operationChanges } = await import('./graphql.js');
      changes = await diffGraphQL(base, revision);
      if (options.operations?.length) changes.push(...operationChanges(base, revision, options.operations));
      break;
    }
    case 'asyncapi':
      changes = (await import('./events.js')).diffAsyncApi(base, revision, options);
      break;
    case 'jsonschema':
      changes = (await import('./events.js')).diffJsonSchema(base, revision, options);
      break;
  }
  // The judgement first, so that a config's rule levels still have the last word.
  const judge = options.judge ?? 'wire';
  return { ...policyResult(kind, judgeChanges(changes, judge), cfg, options.ignore ?? []), judge };
}

/** Loads BASE and REVISION (file path, URL or `git:<ref>:<path>`) and compares them. */
export async function diffSources(baseSpec: string, revisionSpec: string, options: Omit<DiffOptions, 'baseUrl' | 'revisionUrl' | 'baseDocs' | 'revisionDocs'> & { cwd?: string } = {}): Promise<DiffResult> {
  const [b, r] = await Promise.all([loadContract(baseSpec, options.cwd), loadContract(revisionSpec, options.cwd)]);
  if (b.kind !== r.kind) throw new InputError(`${baseSpec} is ${b.kind} but ${revisionSpec} is ${r.kind}: cannot compare different kinds of contract`);
  const docs: { baseDocs: DocumentSet; revisionDocs: DocumentSet } = { baseDocs: b.docs, revisionDocs: r.docs };
  return diff(b.document, r.document, { ...options, kind: b.kind, baseUrl: b.url, revisionUrl: r.url, ...docs });
}
