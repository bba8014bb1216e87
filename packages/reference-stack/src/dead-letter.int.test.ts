import { createApiClient, type ApiClient } from '@cleanapp/api-client';
import { connect } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type RunningStack } from './stack.js';

let stack: RunningStack;
let api: ApiClient;
let db: pg.Client;
let schema: string;

beforeAll(async () => {
  stack = await startStack();
  api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token() });
  schema = `stack_${stack.id}`;
  db = new pg.Client({ connectionString: stack.dependencies.database.url });
  await db.connect();
  // Processing that always fails, for reports with these titles: the analyzer's write (report.raw) or
  // the renderer's (report.analysed) is refused by the database, on every attempt.
  await db.query(`
    create function ${schema}.refuse() returns trigger language plpgsql as $$
    begin raise exception 'refused by the test for %', new.title; end $$`);
  await db.query(`create trigger refuse_analysis before update of analysis on ${schema}.reports for each row
    when (new.title = 'analysis always fails') execute function ${schema}.refuse()`);
  await db.query(`create trigger refuse_render before update of status on ${schema}.reports for each row
    when (new.title = 'render always fails' and new.status = 'rendered') execute function ${schema}.refuse()`);
}, 60_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const submit = async (title: string) => {
  const { data, response } = await api.POST('/api/v4/reports', {
    body: { source_id: `dead-letter-${stack.id}-${title.replace(/ /g, '-')}`, latitude: 48.85, longitude: 2.35, title, description: 'plastic bottle', synthetic: true },
  });
  expect(response.status).toBe(202);
  return data!;
};

const settled = (receiptId: string) =>
  vi.waitFor(async () => {
    const { data } = await api.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: receiptId } } });
    if (data?.status !== 'failed' && data?.status !== 'rendered') throw new Error(`waiting for receipt ${receiptId} to settle (status ${data?.status ?? 'missing'})`);
    return data;
  }, { timeout: 40_000, interval: 250 });

const dlqDepth = async (canonical: string) => {
  const conn = await connect(stack.target.amqp.url);
  try {
    return (await (await conn.createChannel()).checkQueue(`${stack.target.amqp.nameMap[canonical]}.dlq`)).messageCount;
  } finally {
    await conn.close();
  }
};

describe('a report whose processing always fails', () => {
  it('is dead-lettered after the retries and its receipt says failed, with the step and its reason', async () => {
    const [analysis, render, fine] = await Promise.all([submit('analysis always fails'), submit('render always fails'), submit('bottle on the kerb')]);
    const [a, r, f] = await Promise.all([settled(analysis.receipt_id), settled(render.receipt_id), settled(fine.receipt_id)]);
    expect(a).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/^analyzer: gave up after 5 attempts: refused by the test for analysis always fails/) });
    expect(r).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/^renderer: gave up after 5 attempts: refused by the test for render always fails/) });
    expect(f.status).toBe('rendered');
    expect(f).not.toHaveProperty('failure_reason');
    expect(await dlqDepth('report-analysis-queue')).toBe(1);
    expect(await dlqDepth('report-renderer-queue')).toBe(1);
  }, 60_000);

  it('poison (no valid payload, so no report to blame) is only dead-lettered', async () => {
    const before = await dlqDepth('report-analysis-queue');
    const conn = await connect(stack.target.amqp.url);
    const ch = await conn.createConfirmChannel();
    ch.publish(stack.target.amqp.nameMap['cleanapp-exchange']!, 'report.raw', Buffer.from('{"public_id": "rpt_'), { messageId: 'poison' });
    await ch.waitForConfirms();
    await conn.close();
    await vi.waitFor(async () => {
      if ((await dlqDepth('report-analysis-queue')) === before) throw new Error('waiting for the poison message in the analysis DLQ');
    }, { timeout: 10_000, interval: 100 });
    expect(await dlqDepth('report-analysis-queue')).toBe(before + 1);
    const { data } = await api.GET('/api/v4/stats');
    expect(data?.by_status).toMatchObject({ failed: 2, rendered: 1 });
  });
});
