import { createGraphqlClient, ReportByIdDocument, ReportsNearDocument } from '@cleanapp/graphql-client';
import { expectContract, suiteContext, waitWithin } from '@cleanapp/smoke-kit';
import { beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();
const submitter = ctx.api('report:submit');
const reader = ctx.api('report:read');

// A spot of this run's own (random, far from anything else), 3 reports at 100/200/300 m north of it.
const spot = { latitude: -60 + Math.random() * 120, longitude: -170 + Math.random() * 340 };
const north = (m: number) => ({ latitude: spot.latitude + m / 111_320, longitude: spot.longitude });
const ids: string[] = []; // nearest first

beforeAll(async () => {
  for (const [i, metres] of [100, 200, 300].entries()) {
    const res = await submitter.POST('/api/v4/reports', {
      body: { source_id: ctx.sourceId(`query-${i}`), ...north(metres), title: `Query check ${i}`, description: 'plastic bottle', tags: ['smoke'], synthetic: true },
    });
    const { body } = await expectContract('submitReport', res, { status: 202 });
    ids.push(body.public_id);
  }
  // Visible once analysed (the queries read what the pipeline produced).
  await waitWithin(ctx.target, 'readMs', `the three reports analysed and readable`, async () => {
    for (const id of ids) {
      const r = await reader.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: id } } });
      if (!r.data?.analysis) throw new Error(`GET /api/v4/reports/${id} answered ${r.response.status} ${r.data ? 'without analysis' : JSON.stringify(r.error)}`);
    }
  });
});

describe('query', () => {
  it('GET /api/v4/reports/near returns this run\'s reports nearest first, paged without gaps or repeats', async () => {
    const first = await expectContract('listReportsNear', await reader.GET('/api/v4/reports/near', { params: { query: { ...spot, radius_m: 1000, limit: 2 } } }), { status: 200 });
    expect(first.body.items.map((r) => r.public_id), 'first page, nearest first').toEqual(ids.slice(0, 2));
    expect(first.body.next_cursor, 'next_cursor of a first page').toBeTruthy();
    const second = await expectContract('listReportsNear', await reader.GET('/api/v4/reports/near', { params: { query: { ...spot, radius_m: 1000, limit: 2, cursor: first.body.next_cursor! } } }), { status: 200 });
    expect(second.body.items.map((r) => r.public_id), 'second page').toEqual(ids.slice(2));
    expect(second.body.next_cursor, 'next_cursor of the last page').toBeNull();
  });

  it('GET /api/v4/reports/points includes this run\'s reports inside a bounding box around them', async () => {
    const box = { min_latitude: spot.latitude - 0.01, max_latitude: spot.latitude + 0.01, min_longitude: spot.longitude - 0.01, max_longitude: spot.longitude + 0.01 };
    const { body } = await expectContract('listReportPoints', await reader.GET('/api/v4/reports/points', { params: { query: box } }), { status: 200 });
    expect(body.map((p) => p.public_id).sort()).toEqual([...ids].sort());
  });

  it('summary and stats match the contract and count at least this run\'s reports', async () => {
    const summary = await expectContract('getReportSummary', await reader.GET('/api/v4/reports/summary'), { status: 200 });
    expect(summary.body.total).toBeGreaterThanOrEqual(ids.length);
    const stats = await expectContract('getStats', await reader.GET('/api/v4/stats'), { status: 200 });
    expect(stats.body.reports_total).toBe(stats.body.published + stats.body.quarantined);
  });

  describe.skipIf(!ctx.target.graphql)(ctx.target.graphql ? 'over GraphQL' : 'over GraphQL (skipped: the target has no graphql.url)', () => {
    const gql = () => createGraphqlClient({ url: ctx.target.graphql!.url, token: () => ctx.token('report:read') });

    it('report(publicId) agrees with REST, analysis included', async () => {
      const rest = await reader.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: ids[0]! } } });
      const { report } = await gql().request(ReportByIdDocument, { publicId: ids[0]! });
      expect(report).toMatchObject({ publicId: ids[0], seq: rest.data!.seq, title: rest.data!.title, latitude: rest.data!.latitude });
      expect(report?.analysis?.classification).toBe(rest.data!.analysis!.classification.toUpperCase());
    });

    it('reportsNear pages nearest first like REST', async () => {
      const page1 = await gql().request(ReportsNearDocument, { latitude: spot.latitude, longitude: spot.longitude, radiusMeters: 1000, first: 2 });
      expect(page1.reportsNear.edges.map((e) => e.node.publicId)).toEqual(ids.slice(0, 2));
      expect(page1.reportsNear.pageInfo.hasNextPage).toBe(true);
      const page2 = await gql().request(ReportsNearDocument, { latitude: spot.latitude, longitude: spot.longitude, radiusMeters: 1000, first: 2, after: page1.reportsNear.pageInfo.endCursor });
      expect(page2.reportsNear.edges.map((e) => e.node.publicId)).toEqual(ids.slice(2));
    });
  });
});
