import { Kind, parse } from 'graphql';
import { readSubgraphs, type Subgraph } from './compose.js';
import type { OpenApiDocument } from './load.js';
import { contractPaths } from './paths.js';
import type { LatencyBudget } from './target.js';

/**
 * Latency budgets are part of the contract: `x-cleanapp-latency` on an operation (budget id = its
 * operationId) and, for budgets that belong to no single REST operation, a map keyed by budget id at the
 * root of the OpenAPI document. The only root budget is `graphql`: the gateway's p95 over the same query
 * sent to the owning subgraph directly (GraphQL SDL cannot carry it without breaking composition).
 *
 *   x-cleanapp-latency: { p95Ms: 100 }                          # on getHealth
 *   x-cleanapp-latency: { overheadMs: 50, baseline: getHealth } # p95 ≤ getHealth's p95 + 50 ms
 *   x-cleanapp-latency: { graphql: { overheadMs: 10 } }         # at the root
 */
export const LATENCY_EXTENSION = 'x-cleanapp-latency';

/** Budget ids the document root may carry (an operation's budget id is its operationId). */
export const ROOT_LATENCY_BUDGETS = ['graphql'] as const;

const LIMITS = ['p95Ms', 'p99Ms', 'overheadMs', 'maxErrorRate'] as const;

export interface LatencyBudgetSpec {
  /** An operationId, or a root budget id (`graphql`). */
  id: string;
  kind: 'rest' | 'graphql';
  /** The limits as the contract states them. */
  limits: LatencyBudget;
  /** For a REST overhead budget: the public operation whose p95 it is compared with. */
  baseline?: string;
  /** The REST operation the budget is on. */
  operation?: { method: string; path: string; public: boolean };
}

/** One thing wrong with an extension value: the key it is about (`''` for the value itself) and why. */
export interface LatencyShapeProblem {
  key: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with one budget's value, by key: known keys only, limits finite numbers (p95Ms/p99Ms
 * above 0, overheadMs 0 or more, maxErrorRate within 0..1), at least one latency limit, and `baseline`
 * (a string) exactly when there is an `overheadMs` — except at the root, where the baseline is implied.
 */
export function latencyShapeProblems(value: unknown, where: 'operation' | 'root'): LatencyShapeProblem[] {
  if (!isObject(value)) return [{ key: '', message: `\`${LATENCY_EXTENSION}\` must be an object of limits (${LIMITS.join(', ')}).` }];
  const known: readonly string[] = where === 'operation' ? [...LIMITS, 'baseline'] : LIMITS;
  const problems: LatencyShapeProblem[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!known.includes(key)) {
      const hint = key === 'baseline' ? ' (a root budget is compared with the subgraph called directly)' : '';
      problems.push({ key, message: `Unknown latency budget key \`${key}\`; known: ${known.join(', ')}${hint}.` });
    } else if (key === 'baseline') {
      if (typeof v !== 'string' || v === '') problems.push({ key, message: '`baseline` must be the operationId of a public operation.' });
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push({ key, message: `\`${key}\` must be a finite number of ${key === 'maxErrorRate' ? 'share (0..1)' : 'milliseconds'}.` });
    } else if ((key === 'p95Ms' || key === 'p99Ms') && v <= 0) {
      problems.push({ key, message: `\`${key}\` must be above 0 ms.` });
    } else if (key === 'overheadMs' && v < 0) {
      problems.push({ key, message: '`overheadMs` must be 0 ms or more.' });
    } else if (key === 'maxErrorRate' && (v < 0 || v > 1)) {
      problems.push({ key, message: '`maxErrorRate` must be a share between 0 and 1.' });
    }
  }
  if (!['p95Ms', 'p99Ms', 'overheadMs'].some((k) => k in value)) problems.push({ key: '', message: 'A latency budget needs at least one of p95Ms, p99Ms, overheadMs.' });
  if (where === 'operation' && 'overheadMs' in value && !('baseline' in value)) problems.push({ key: 'overheadMs', message: '`overheadMs` needs a `baseline`: the public operation it is compared with.' });
  if (where === 'operation' && 'baseline' in value && !('overheadMs' in value)) problems.push({ key: 'baseline', message: '`baseline` is only used with `overheadMs`.' });
  return problems;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolveLocal(doc: OpenApiDocument, node: unknown): unknown {
  for (let i = 0; i < 20 && isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#/'); i++) {
    const ref = node.$ref;
    node = ref.slice(2).split('/').reduce<unknown>((acc, k) => (isObject(acc) ? acc[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
  }
  return node;
}

/**
 * The latency budgets of a bundled OpenAPI document (default: the canonical one, `loadOpenApi()`), REST
 * operations in document order, then the root budgets. A malformed extension throws, naming where it is:
 * the contracts lint (`cleanapp/latency-budget`) keeps the canonical contract from ever doing so.
 */
export function latencyBudgets(doc: OpenApiDocument): LatencyBudgetSpec[] {
  const specs: LatencyBudgetSpec[] = [];
  const fail = (where: string, problems: LatencyShapeProblem[]) => {
    throw new Error(`${where}: invalid ${LATENCY_EXTENSION}: ${problems.map((p) => (p.key ? `${p.key}: ${p.message}` : p.message)).join(' ')}`);
  };
  const operations = new Map<string, { method: string; path: string; public: boolean }>();
  const pending: { id: string; where: string; value: Record<string, unknown> }[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = resolveLocal(doc, rawItem);
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      const security = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
      const isPublic = security.length === 0 || security.some((alt) => isObject(alt) && Object.keys(alt).length === 0);
      operations.set(op.operationId, { method: method.toUpperCase(), path, public: isPublic });
      if (!(LATENCY_EXTENSION in op)) continue;
      const where = `${method.toUpperCase()} ${path} (${op.operationId})`;
      const problems = latencyShapeProblems(op[LATENCY_EXTENSION], 'operation');
      if (problems.length) fail(where, problems);
      pending.push({ id: op.operationId, where, value: op[LATENCY_EXTENSION] as Record<string, unknown> });
    }
  }
  for (const { id, where, value } of pending) {
    const { baseline, ...limits } = value;
    if (typeof baseline === 'string') {
      const base = operations.get(baseline);
      if (!base) fail(where, [{ key: 'baseline', message: `no operation \`${baseline}\` in the contract.` }]);
      else if (!base.public) fail(where, [{ key: 'baseline', message: `\`${baseline}\` is not public (security: []).` }]);
    }
    specs.push({ id, kind: 'rest', limits: limits as LatencyBudget, ...(typeof baseline === 'string' ? { baseline } : {}), operation: operations.get(id)! });
  }
  const root = doc[LATENCY_EXTENSION];
  if (root !== undefined) {
    if (!isObject(root)) throw new Error(`document root: ${LATENCY_EXTENSION} must map budget ids (${ROOT_LATENCY_BUDGETS.join(', ')}) to limits.`);
    for (const [id, value] of Object.entries(root)) {
      if (!(ROOT_LATENCY_BUDGETS as readonly string[]).includes(id)) fail(`document root, ${id}`, [{ key: id, message: `unknown root budget id; known: ${ROOT_LATENCY_BUDGETS.join(', ')}.` }]);
      const problems = latencyShapeProblems(value, 'root');
      if (problems.length) fail(`document root, ${id}`, problems);
      specs.push({ id, kind: 'graphql', limits: value as LatencyBudget });
    }
  }
  return specs;
}

/**
 * The subgraph that resolves `Query.<field>` (default: the canonical subgraphs): where the `graphql`
 * budget sends the same query directly, to tell the gateway's overhead from the subgraph's own time.
 */
export function subgraphOwningQueryField(field: string, subgraphs: Subgraph[] = readSubgraphs(contractPaths.subgraphs)): string | undefined {
  return subgraphs.find((s) =>
    parse(s.typeDefs).definitions.some(
      (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query' && d.fields?.some((f) => f.name.value === field),
    ),
  )?.name;
}
