import type { components } from '@cleanapp/api-client';
import type { Database, Queryable } from './db.js';
import { toReport, type Row } from './reports.js';

type Schemas = components['schemas'];

/** A cursor this API did not issue: the caller's error, not a server fault. */
export class InvalidCursorError extends Error {
  constructor() {
    super('is not a cursor returned by this API');
  }
}

/** Keyset position of a near-a-point page: distance (exact decimal string, 3 digits) and seq. */
export interface NearPosition {
  distance: string;
  seq: number;
}

// What encodeCursor writes: millimetres with three decimals, at most half the Earth's circumference.
const DISTANCE = /^\d{1,8}\.\d{3}$/;

/** Opaque, base64url JSON: fits the contract's cursor pattern (REST) and is a plain String (GraphQL). */
export function encodeCursor(position: NearPosition): string {
  return Buffer.from(JSON.stringify({ v: 1, d: position.distance, s: position.seq }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): NearPosition {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const v = value as { v?: unknown; d?: unknown; s?: unknown } | null;
  if (!v || typeof v !== 'object' || v.v !== 1 || typeof v.d !== 'string' || !DISTANCE.test(v.d) || !Number.isSafeInteger(v.s) || (v.s as number) < 1) {
    throw new InvalidCursorError();
  }
  const position = { distance: v.d, seq: v.s as number };
  // Only what encodeCursor wrote, byte for byte: no extra keys, other spellings (1e3, 1.0) or padding bits.
  if (encodeCursor(position) !== cursor) throw new InvalidCursorError();
  return position;
}

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;

// Coordinates rounded to 1e-12 degrees (0.1 µm): PostgreSQL raises an error, not zero, when float8
// arithmetic underflows, as it would on a valid but subnormal coordinate such as 5e-324 (query or row).
const deg = (x: string) => `cast(round(cast(${x} as numeric), 12) as double precision)`;
const [LAT1, LNG1, LAT2, LNG2] = [deg('$1'), deg('$2'), deg('latitude'), deg('longitude')];

// Haversine great-circle distance in metres, rounded to millimetres as an exact numeric so keyset
// cursors compare exactly (no float round-trip). $1 = latitude, $2 = longitude of the query point.
const DISTANCE_SQL = `round(cast(2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(
    power(sin(radians(${LAT2} - ${LAT1}) / 2), 2)
    + cos(radians(${LAT1})) * cos(radians(${LAT2})) * power(sin(radians(${LNG2} - ${LNG1}) / 2), 2)
  ))) as numeric), 3)`;

export interface NearQuery {
  latitude: number;
  longitude: number;
  radiusMeters: number;
  limit: number;
  /** The cursor of the last item of the previous page. */
  after?: string | null | undefined;
}

export interface NearPage {
  items: { row: Row; cursor: string }[];
  hasNextPage: boolean;
}

/**
 * Published reports within the radius, nearest first (ties by seq), `limit` per page, continuing after
 * a cursor: REST's /reports/near and GraphQL's reportsNear. One extra row tells whether there is more.
 */
export async function reportsNear(db: Queryable, q: NearQuery): Promise<NearPage> {
  const after = q.after == null ? undefined : decodeCursor(q.after);
  const params: unknown[] = [q.latitude, q.longitude, q.radiusMeters, q.limit + 1];
  let keyset = '';
  if (after) {
    params.push(after.distance, after.seq);
    keyset = 'and (distance > $5::numeric or (distance = $5::numeric and seq > $6))';
  }
  const { rows } = await db.query<Row & { distance: string | number }>(
    `select * from (select *, ${DISTANCE_SQL} as distance from reports where lane = 'publish') near
     where distance <= $3 ${keyset}
     order by distance, seq
     limit $4`,
    params,
  );
  return {
    items: rows.slice(0, q.limit).map((row) => ({
      row,
      cursor: encodeCursor({ distance: typeof row.distance === 'string' ? row.distance : row.distance.toFixed(3), seq: Number(row.seq) }),
    })),
    hasNextPage: rows.length > q.limit,
  };
}

/** The read side: queries over published reports and pipeline statistics. */
export class QueryStore {
  constructor(private readonly db: Database) {}

  async near(lat: number, lng: number, radiusM: number, limit: number, cursor?: string): Promise<Schemas['ReportPage']> {
    const page = await reportsNear(this.db, { latitude: lat, longitude: lng, radiusMeters: radiusM, limit, after: cursor });
    return { items: page.items.map((i) => toReport(i.row)), next_cursor: page.hasNextPage ? page.items.at(-1)!.cursor : null };
  }

  async points(limit: number, bbox?: { minLat: number; minLng: number; maxLat: number; maxLng: number }): Promise<Schemas['ReportPoint'][]> {
    const params: unknown[] = [limit];
    let where = `lane = 'publish'`;
    if (bbox) {
      params.push(bbox.minLat, bbox.maxLat, bbox.minLng, bbox.maxLng);
      where += ' and latitude between $2 and $3 and longitude between $4 and $5';
    }
    const rows = await this.db.query<{ public_id: string; seq: string | number; latitude: number; longitude: number; classification: string | null; severity: string | number | null }>(
      `select public_id, seq, latitude, longitude, analysis->>'classification' as classification, analysis->>'severity_level' as severity
       from reports where ${where} order by seq desc limit $1`,
      params,
    );
    return rows.rows.map((r) => ({
      public_id: r.public_id,
      seq: Number(r.seq),
      latitude: r.latitude,
      longitude: r.longitude,
      classification: r.classification as Schemas['ReportPoint']['classification'],
      severity_level: r.severity === null ? null : Number(r.severity),
    }));
  }

  async summary(): Promise<Schemas['ReportSummary']> {
    const byClass = await this.db.query<{ classification: string; total: string | number }>(
      `select coalesce(analysis->>'classification', 'unanalysed') as classification, count(*) as total
       from reports where lane = 'publish' group by 1 order by 2 desc, 1`,
    );
    const byBrand = await this.db.query<{ brand_name: string; total: string | number }>(
      `select analysis->>'brand_name' as brand_name, count(*) as total from reports
       where lane = 'publish' and analysis->>'brand_name' is not null group by 1 order by 2 desc, 1`,
    );
    const byClassification = byClass.rows.map((r) => ({ classification: r.classification as Schemas['ReportSummary']['by_classification'][number]['classification'], total: Number(r.total) }));
    return {
      total: byClassification.reduce((n, r) => n + r.total, 0),
      by_classification: byClassification,
      by_brand: byBrand.rows.map((r) => ({ brand_name: r.brand_name, total: Number(r.total) })),
    };
  }

  async stats(): Promise<Schemas['Stats']> {
    const rows = await this.db.query<{ lane: string; status: string; total: string | number }>('select lane, status, count(*) as total from reports group by lane, status');
    const last = await this.db.query<{ last: Date | string | null }>('select max(rendered_at) as last from renders');
    const byStatus: Schemas['Stats']['by_status'] = { accepted: 0, queued: 0, analysed: 0, rendered: 0, failed: 0 };
    let published = 0;
    let quarantined = 0;
    for (const r of rows.rows) {
      const n = Number(r.total);
      byStatus[r.status as keyof typeof byStatus] += n;
      if (r.lane === 'publish') published += n;
      else quarantined += n;
    }
    const lastRendered = last.rows[0]?.last;
    return { reports_total: published + quarantined, published, quarantined, by_status: byStatus, last_rendered_at: lastRendered ? new Date(lastRendered).toISOString() : null };
  }

  /** The rendered card and page of a published report. */
  async render(publicId: string): Promise<{ svg: string; html: string } | undefined> {
    return (
      await this.db.query<{ svg: string; html: string }>(
        `select r.svg, r.html from renders r join reports p on p.public_id = r.public_id where r.public_id = $1 and p.lane = 'publish'`,
        [publicId],
      )
    ).rows[0];
  }
}
