// Reads for the GraphQL subgraphs, straight from the reference stack's `reports` table. Quarantined
// reports are invisible here exactly as in REST (lane = 'publish' in every query).
import type { Queryable } from '../store/db.js';
import { reportsNear, type NearQuery } from '../store/queries.js';
import { iso, json } from '../store/rows.js';

/** A report as the `reports` subgraph returns it (GraphQL field names and upper-case enum values). */
export interface GqlReport {
  __typename: 'Report';
  publicId: string;
  seq: number;
  lane: 'PUBLISH' | 'QUARANTINE';
  status: 'ACCEPTED' | 'QUEUED' | 'ANALYSED' | 'RENDERED' | 'FAILED';
  latitude: number;
  longitude: number;
  title: string;
  description: string;
  tags: string[];
  reportedAt: string;
  createdAt: string;
  synthetic: boolean;
}

export interface GqlAnalysis {
  classification: 'LITTER' | 'HAZARD' | 'GRAFFITI' | 'OTHER';
  severityLevel: number;
  brandName: string | null;
  summary: string;
  analysedAt: string;
}

type ReportRow = {
  seq: string | number;
  public_id: string;
  lane: string;
  status: string;
  latitude: number;
  longitude: number;
  title: string;
  description: string;
  tags: string[] | string;
  reported_at: Date | string;
  created_at: Date | string;
  synthetic: boolean;
};

type AnalysisJson = { classification: string; severity_level: number; brand_name?: string | null; summary: string; analysed_at: string };

const COLUMNS = 'seq, public_id, lane, status, latitude, longitude, title, description, tags, reported_at, created_at, synthetic';
const upper = <T extends string>(v: string) => v.toUpperCase() as T;

export function toGqlReport(row: ReportRow): GqlReport {
  return {
    __typename: 'Report',
    publicId: row.public_id,
    seq: Number(row.seq),
    lane: upper(row.lane),
    status: upper(row.status),
    latitude: row.latitude,
    longitude: row.longitude,
    title: row.title,
    description: row.description,
    tags: json<string[]>(row.tags),
    reportedAt: iso(row.reported_at),
    createdAt: iso(row.created_at),
    synthetic: row.synthetic,
  };
}

export function toGqlAnalysis(raw: AnalysisJson | string | null): GqlAnalysis | null {
  if (!raw) return null;
  const a = json<AnalysisJson>(raw);
  return {
    classification: upper(a.classification),
    severityLevel: Number(a.severity_level),
    brandName: a.brand_name ?? null,
    summary: a.summary,
    analysedAt: iso(a.analysed_at),
  };
}

/** Published reports by public id, in the order asked (null where missing or quarantined). */
export async function reportsByIds(db: Queryable, ids: string[]): Promise<(GqlReport | null)[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ReportRow>(`select ${COLUMNS} from reports where public_id = any($1::text[]) and lane = 'publish'`, [ids]);
  const byId = new Map(rows.map((r) => [r.public_id, toGqlReport(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The analysis of published reports by public id; `undefined` where the report is not visible. */
export async function analysesByIds(db: Queryable, ids: string[]): Promise<(GqlAnalysis | null | undefined)[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ public_id: string; analysis: AnalysisJson | string | null }>(
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
