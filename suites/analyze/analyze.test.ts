import { expectContract, openTap, suiteContext, waitWithin } from '@cleanapp/smoke-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();

describe.skipIf(!ctx.target.amqp)(ctx.target.amqp ? 'pipeline' : 'pipeline (skipped: the target has no amqp section)', () => {
  let tap: Awaited<ReturnType<typeof openTap>>;
  beforeAll(async () => {
    tap = await openTap(ctx.target, ['report.raw', 'report.analysed']);
  });
  afterAll(async () => tap?.close());

  it('an ingested report is analysed: report.analysed is published with a valid payload and shows over REST', async () => {
    const res = await ctx.api('report:submit').POST('/api/v4/reports', {
      body: { source_id: ctx.sourceId('analyze'), latitude: 48.85, longitude: 2.35, title: 'Broken glass', description: 'Heineken bottle shards on the pavement', synthetic: true },
    });
    const { body: receipt } = await expectContract('submitReport', res, { status: 202 });

    const ours = (m: { payload: unknown }) => (m.payload as { public_id?: string } | undefined)?.public_id === receipt.public_id;
    const raw = await waitWithin(ctx.target, 'pipelineMs', `report.raw for ${receipt.public_id} on the tap`, () => tap.first((m) => m.routingKey === 'report.raw' && ours(m), `report.raw for ${receipt.public_id}`), { intervalMs: 25 });
    expect(raw.problems, 'report.raw payload against its schema').toEqual([]);
    const analysed = await waitWithin(ctx.target, 'pipelineMs', `report.analysed for ${receipt.public_id} on the tap`, () => tap.first((m) => m.routingKey === 'report.analysed' && ours(m), `report.analysed for ${receipt.public_id}`), { intervalMs: 25 });
    expect(analysed.problems, 'report.analysed payload against its schema').toEqual([]);
    const analysis = (analysed.payload as { analysis: { classification: string; brand_name: string | null; severity_level: number } }).analysis;

    const report = await waitWithin(ctx.target, 'readMs', `the analysis of ${receipt.public_id} over REST`, async () => {
      const r = await ctx.api('report:read').GET('/api/v4/reports/{public_id}', { params: { path: { public_id: receipt.public_id } } });
      if (!r.data?.analysis) throw new Error(`GET /api/v4/reports/${receipt.public_id} answered ${r.response.status} ${r.data ? 'without analysis' : JSON.stringify(r.error)}`);
      return r.data;
    });
    expect(report.analysis).toMatchObject({ classification: analysis.classification, brand_name: analysis.brand_name, severity_level: analysis.severity_level });
  });

  it('every pipeline message seen during the run validates against its schema', () => {
    // Deliberate poison probes (the events suite's, marked smoke-poison-*) are invalid on purpose.
    const invalid = tap.messages
      .filter((m) => m.problems.length > 0 && !m.messageId?.startsWith('smoke-poison-'))
      .map((m) => `${m.routingKey} ${m.messageId ?? ''}: ${m.problems.join('; ')}`);
    expect(invalid).toEqual([]);
  });
});
