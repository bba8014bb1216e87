// `rover subgraph check` for the platform: one service's candidate subgraph is composed with the other
// subgraphs, the resulting supergraph is diffed against the current one, and client operations are
// validated against it — before the service deploys. Also the `@cleanapp/contract-diff/subgraph-check`
// entry: federation tooling stays out of the main entry.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse } from 'graphql';
import { contractPaths, readSubgraphs, tryComposeSupergraph, type CompositionProblem } from '@cleanapp/contracts';
import { canonicalOperations } from '@cleanapp/graphql-client';
import { policyResult, type Config, type IgnoreEntry } from './config.js';
import { Emitter } from './emitter.js';
import { extractSubgraphs } from './extract.js';
import { buildApiSchema, diffGraphQL, operationChangesBetween } from './graphql.js';
import type { OperationSource } from './graphql-ids.js';
import { InputError } from './errors.js';
import type { Change, DiffResult } from './types.js';

export { extractSubgraphs };

export interface SubgraphSource {
  name: string;
  sdl: string;
  /** Where the SDL came from, for error messages. */
  file?: string;
}

export interface SubgraphCheckInput {
  /** The subgraph being changed, as named among `subgraphs`. */
  name: string;
  candidateSdl: string;
  /** Where the candidate came from (file or URL), for error messages. */
  candidateSource?: string;
  /** The current subgraphs; default: the canonical ones shipped by @cleanapp/contracts. */
  subgraphs?: readonly SubgraphSource[];
  /** The current supergraph SDL; default: the one shipped by @cleanapp/contracts. */
  supergraph?: string;
  /** Operations validated in addition to @cleanapp/graphql-client's (see `clientOperations`). */
  operations?: readonly OperationSource[];
  /** Validate the canonical graphql-client operations too (default true). */
  clientOperations?: boolean;
  /** `name` is a subgraph being added; without it an unknown name is an error. */
  isNew?: boolean;
  config?: Config;
  ignore?: readonly IgnoreEntry[];
}

export interface SubgraphCheckResult extends DiffResult {
  /** Why the candidate does not compose with the other subgraphs (also in `changes`, as breaking findings). */
  compositionErrors: CompositionProblem[];
  /** Operations valid against the current supergraph that the candidate rejects (also in `changes`). */
  invalidOperations: Change[];
  /** The candidate supergraph, when it composed. */
  supergraph?: string;
  /** How many operations (definitions, not files) were validated. */
  operationsChecked: number;
}

/** Reads a subgraph folder (`<name>.graphql` each) or derives the subgraphs from a supergraph file. */
export function loadSubgraphs(path: string): SubgraphSource[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(`--subgraphs ${path}: no such file or folder`);
  }
  if (isDir) {
    const subgraphs = readSubgraphs(path).map((s) => ({ name: s.name, sdl: s.typeDefs, file: s.file }));
    if (subgraphs.length === 0) throw new InputError(`--subgraphs ${path}: no *.graphql file in the folder`);
    return subgraphs;
  }
  return extractSubgraphs(readFileSync(path, 'utf8'), path).map((s) => ({ ...s, file: `${path}#${s.name}` }));
}

/** A running subgraph's SDL through the federation `{ _service { sdl } }` query. */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
  } catch (e) {
    throw new InputError(`${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new InputError(`${url}: HTTP ${res.status} for { _service { sdl } }: ${text.slice(0, 200)}`);
  let body: { data?: { _service?: { sdl?: unknown } }; errors?: { message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new InputError(`${url}: the { _service { sdl } } answer is not JSON`);
  }
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new InputError(`${url}: no data._service.sdl in the answer${body.errors?.length ? ` (${body.errors.map((e) => e.message).join('; ')})` : ''}`);
  return sdl;
}

function countOperations(sources: readonly OperationSource[]): number {
  // Sources parsed fine already (checkOperations throws on syntax errors before this runs).
  return sources.reduce((n, s) => n + parse(s.text).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length, 0);
}

function compositionFinding(out: Emitter, p: CompositionProblem): void {
  out.emit('graphql-composition-failed', 'graphql-composition', {
    location: `subgraph ${p.subgraphs.join(', ')}${p.coordinates.length ? ` ${p.coordinates.join(', ')}` : ''}`,
    operation: p.coordinates[0],
    detail: p.message,
  });
}

/** Replaces subgraph `name` by the candidate, composes, diffs the supergraphs and validates the operations. */
export async function subgraphCheck(input: SubgraphCheckInput): Promise<SubgraphCheckResult> {
  const current = input.subgraphs ?? loadSubgraphs(contractPaths.subgraphs);
  const currentSupergraph = input.supergraph ?? readFileSync(resolve(contractPaths.supergraph), 'utf8');
  const known = current.some((s) => s.name === input.name);
  if (!known && !input.isNew) throw new InputError(`--name ${input.name}: not one of the subgraphs (${current.map((s) => s.name).join(', ')}); pass --new to add a subgraph`);
  if (known && input.isNew) throw new InputError(`--name ${input.name}: --new, but a subgraph of that name already exists`);
  const candidate: SubgraphSource = { name: input.name, sdl: input.candidateSdl, file: input.candidateSource ?? `candidate ${input.name}` };
  const subgraphs = known ? current.map((s) => (s.name === input.name ? candidate : s)) : [...current, candidate];
  const composed = tryComposeSupergraph(subgraphs.map((s) => ({ name: s.name, file: s.file ?? s.name, typeDefs: s.sdl })));
  const operations = [...(input.clientOperations === false ? [] : canonicalOperations), ...(input.operations ?? [])];

  if ('problems' in composed) {
    // Unparseable SDL is unusable input (exit 2), not a finding about the change.
    const syntax = composed.problems.find((p) => p.code === 'SYNTAX');
    if (syntax) throw new InputError(`not valid GraphQL SDL: ${syntax.message}`);
    const out = new Emitter();
    for (const p of composed.problems) compositionFinding(out, p);
    return { ...policyResult('graphql', out.changes, input.config, input.ignore), compositionErrors: composed.problems, invalidOperations: [], operationsChecked: 0 };
  }
  const changes = await diffGraphQL(currentSupergraph, composed.supergraphSdl, { base: 'current supergraph', revision: 'candidate supergraph' });
  const base = buildApiSchema(currentSupergraph, 'current supergraph');
  const revision = buildApiSchema(composed.supergraphSdl, 'candidate supergraph');
  changes.push(...operationChangesBetween(base, revision, operations));
  const result = policyResult('graphql', changes, input.config, input.ignore);
  return {
    ...result,
    compositionErrors: [],
    invalidOperations: result.changes.filter((c) => c.id === 'graphql-operation-invalid'),
    supergraph: composed.supergraphSdl,
    operationsChecked: countOperations(operations),
  };
}
