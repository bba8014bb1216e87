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
    const analysed = await pipeline.recordAnalysis(event!.payload as ReportRawPayload, analysis);
    await pipeline.recordRender(analysed!.payload as ReportAnalysedPayload, '<svg/>', '<html></html>');
    expect(await pipeline.markFailed(receipt.public_id, 'late duplicate')).toBe(false);
    expect(await row(receipt.public_id)).toEqual({ status: 'rendered', failure_reason: null });
  });

  it('marks nothing for a report that is gone', async () => {
    expect(await pipeline.markFailed('rpt_gone', 'whatever')).toBe(false);
  });
});
