import type { ReportAnalysedPayload, ReportRawPayload } from '@cleanapp/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db.js';
import { PipelineStore } from './pipeline.js';
import { ReportStore } from './reports.js';

let db: Database;
let reports: ReportStore;
let pipeline: PipelineStore;

beforeAll(async () => {
  db = await openDatabase('pglite:memory');
  reports = new ReportStore(db);
  pipeline = new PipelineStore(db);
});
afterAll(async () => db?.close());

const analysis = { classification: 'litter', severity_level: 0.4, brand_name: null, summary: 'Litter: bottle', provider: 'test', analysed_at: new Date().toISOString() } as const;
const row = async (publicId: string) =>
  (await db.query<{ status: string; failure_reason: string | null }>('select status, failure_reason from reports where public_id = $1', [publicId])).rows[0];

describe('PipelineStore.markFailed (a dead-lettered step)', () => {
  it('fails a report that is still in the pipeline, keeping the reason', async () => {
    const { receipt } = await reports.submit('client', { source_id: 'dead-1', latitude: 1, longitude: 2 });
    expect(await pipeline.markFailed(receipt.public_id, 'gave up after 5 attempts: boom')).toBe(true);
    expect(await row(receipt.public_id)).toEqual({ status: 'failed', failure_reason: 'gave up after 5 attempts: boom' });
  });

  it('leaves a rendered report rendered (a late duplicate failed, the report did not)', async () => {
    const { receipt, event } = await reports.submit('client', { source_id: 'dead-2', latitude: 1, longitude: 2, title: 'bottle' });
    const [analysed] = await pipeline.recordAnalyses([{ raw: event!.payload as ReportRawPayload, analysis }]);
    await pipeline.recordRenders([{ analysed: analysed!.payload as ReportAnalysedPayload, svg: '<svg/>', html: '<html></html>' }]);
    expect(await pipeline.markFailed(receipt.public_id, 'late duplicate')).toBe(false);
    expect(await row(receipt.public_id)).toEqual({ status: 'rendered', failure_reason: null });
  });

  it('marks nothing for a report that is gone', async () => {
    expect(await pipeline.markFailed('rpt_gone', 'whatever')).toBe(false);
  });
});

describe('PipelineStore batches (one statement per batch of deliveries)', () => {
  const raw = async (sourceId: string, title = 'bottle') => (await reports.submit('client', { source_id: sourceId, latitude: 1, longitude: 2, title })).event!.payload as ReportRawPayload;

  it('looks up processed events, their reports and known analyses for a whole batch, in order', async () => {
    const [a, b] = [await raw('batch-look-a', 'same words'), await raw('batch-look-b', 'same words')];
    await pipeline.recordAnalyses([{ raw: a, analysis }]);
    const found = await pipeline.lookup('analyzer', [a, b, { event_id: b.event_id, public_id: 'rpt_gone', content_hash: 'none' }]);
    expect(found.map((f) => [f.processed, !!f.report, f.known?.summary])).toEqual([
      [true, true, analysis.summary],
      [false, true, analysis.summary], // identical content: the analysis is reused
      [false, false, undefined],
    ]);
    expect(found[0]!.report).toMatchObject({ title: 'same words', latitude: 1, longitude: 2, lane: 'publish' });
  });

  it('writes a batch once: a delivery seen twice in it or again later enqueues one event', async () => {
    const [a, b] = [await raw('batch-dup-a'), await raw('batch-dup-b')];
    const events = await pipeline.recordAnalyses([a, b, a].map((r) => ({ raw: r, analysis: { ...analysis, summary: r.public_id } })));
    expect(events.map((e) => e?.publicId)).toEqual([a.public_id, b.public_id, undefined]);
    expect(events[0]!.payload).toMatchObject({ version: 1, public_id: a.public_id, seq: a.seq, content_hash: a.content_hash, analysis: { classification: 'litter' } });
    expect(await pipeline.recordAnalyses([{ raw: a, analysis }])).toEqual([undefined]);
    const rendered = await pipeline.recordRenders(events.slice(0, 2).map((e) => ({ analysed: e!.payload as ReportAnalysedPayload, svg: '<svg/>', html: '<p/>' })));
    expect(rendered.map((e) => e?.routingKey)).toEqual(['report.rendered', 'report.rendered']);
    expect((await row(b.public_id))!.status).toBe('rendered');
    expect(await pipeline.render(b.public_id)).toEqual({ svg: '<svg/>', html: '<p/>' });
  });

  it('stores the first analysis of a content hash and gives it to every report with that content', async () => {
    const [a, b] = [await raw('batch-hash-a', 'twin'), await raw('batch-hash-b', 'twin')];
    const events = await pipeline.recordAnalyses([
      { raw: a, analysis: { ...analysis, summary: 'first' } },
      { raw: b, analysis: { ...analysis, summary: 'second' } },
    ]);
    const summaries = events.map((e) => (e!.payload as ReportAnalysedPayload).analysis.summary);
    expect(summaries[0]).toBe(summaries[1]);
  });
});
