import type { components } from '@cleanapp/api-client';
import type { Database } from './db.js';
import { toReport, type Row } from './reports.js';

type Schemas = components['schemas'];

export class InvalidCursorError extends Error {}

const DISTANCE_M = `6371008.8 * 2 * asin(sqrt(power(sin(radians(latitude - $1) / 2), 2) +
  cos(radians($1)) * cos(radians(latitude)) * power(sin(radians(longitude - $2) / 2), 2)))`;

/** Keyset cursor over (distance, seq): stable under inserts, unlike an offset. */
function encodeCursor(distance: number, seq: number): string {
  return Buffer.from(JSON.stringify({ d: distance, s: seq })).toString('base64url');
}

function decodeCursor(cursor: string): { d: number; s: number } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { d: unknown; s: unknown };
    if (typeof value.d === 'number' && Number.isFinite(value.d) && Number.isInteger(value.s)) return value as { d: number; s: number };
  } catch {
    // fall through
  }
  throw new InvalidCursorError('is not a cursor this API issued');
}

/** The read side: queries over published reports and pipeline statistics. */
export class QueryStore {
  constructor(private readonly db: Database) {}

  async near(lat: number, lng: number, radiusM: number, limit: number, cursor?: string): Promise<Schemas['ReportPage']> {
    const after = cursor ? decodeCursor(cursor) : { d: -1, s: 0 };
    const rows = (
      await this.db.query<Row & { distance: number }>(
        `select * from (select *, ${DISTANCE_M} as distance from reports where lane = 'publish') r
         where distance <= $3 and (distance > $4 or (distance = $4 and seq > $5))
         order by distance, seq limit $6`,
        [lat, lng, radiusM, after.d, after.s, limit + 1],
      )
    ).rows;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toReport),
      next_cursor: rows.length > limit && last ? encodeCursor(Number(last.distance), Number(last.seq)) : null,
    };
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
