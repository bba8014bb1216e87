// Reads for the GraphQL subgraphs, straight from the reference stack's `reports` table. Quarantined
// reports are invisible here exactly as in REST (lane = 'publish' in every query).
import type { components } from '@cleanapp/api-client';
import type { Queryable } from '../store/db.js';
import { reportsNear, type NearQuery } from '../store/queries.js';
import { toAnalysis, toReport, type Row } from '../store/reports.js';

type Schemas = components['schemas'];

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** The GraphQL shape of a REST object: camelCase field names, upper-case enum values. */
type Gql<T, Enum extends keyof T> = { [K in keyof T & string as Camel<K>]: K extends Enum ? Uppercase<T[K] & string> : T[K] };

/** A report as the `reports` subgraph returns it: the REST representation, renamed (analysis is the other subgraph's). */
export type GqlReport = { __typename: 'Report' } & Gql<Omit<Schemas['Report'], 'analysis'>, 'lane' | 'status'>;
export type GqlAnalysis = Gql<Schemas['Analysis'], 'classification'>;

function toGql<T extends object, Enum extends keyof T & string>(value: T, enums: readonly Enum[]): Gql<T, Enum> {
  const entries = Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), (enums as readonly string[]).includes(k) ? String(v).toUpperCase() : v]);
  return Object.fromEntries(entries) as Gql<T, Enum>;
}

export function toGqlReport(row: Row): GqlReport {
  const { analysis: _theOtherSubgraphs, ...report } = toReport(row);
  return { __typename: 'Report', ...toGql(report, ['lane', 'status']) };
}

export function toGqlAnalysis(stored: Row['analysis']): GqlAnalysis | null {
  const analysis = toAnalysis(stored);
  return analysis && toGql(analysis, ['classification']);
}

/** Published reports by public id, in the order asked (null where missing or quarantined). */
export async function reportsByIds(db: Queryable, ids: string[]): Promise<(GqlReport | null)[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Row>(`select * from reports where public_id = any($1::text[]) and lane = 'publish'`, [ids]);
  const byId = new Map(rows.map((r) => [r.public_id, toGqlReport(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The analysis of published reports by public id; `undefined` where the report is not visible. */
export async function analysesByIds(db: Queryable, ids: string[]): Promise<(GqlAnalysis | null | undefined)[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Pick<Row, 'public_id' | 'analysis'>>(
    `select public_id, analysis from reports where public_id = any($1::text[]) and lane = 'publish'`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.public_id, toGqlAnalysis(r.analysis)]));
  return ids.map((id) => (byId.has(id) ? byId.get(id) : undefined));
}

export interface NearConnection {
  edges: { cursor: string; node: GqlReport }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** reportsNear as a connection over the query REST's /reports/near uses too (same SQL, same cursors). */
export async function reportsNearConnection(db: Queryable, q: NearQuery): Promise<NearConnection> {
  const page = await reportsNear(db, q);
  const edges = page.items.map(({ row, cursor }) => ({ cursor, node: toGqlReport(row) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
