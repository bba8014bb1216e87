import { createApiClient, type ApiClient } from '@cleanapp/api-client';
import { contractPaths, OpenApiValidator } from '@cleanapp/contracts';
import { connect } from 'amqplib';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type RunningStack } from './stack.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
const validator = new OpenApiValidator();
let stack: RunningStack;
let api: ApiClient;
let anonymous: ApiClient;

const token = (scope?: string) => stack.token(scope);

const submission = (suffix: string, extra: Record<string, unknown> = {}) => ({
  // Under smoke-: the smoke client's synthetic prefix, inside which the policy lets it delete synthetic data.
  source_id: `smoke-stack-test-${stack.id}-${suffix}`,
  latitude: 52.52,
  longitude: 13.405,
  title: 'Overflowing bin',
  synthetic: true,
  ...extra,
});

beforeAll(async () => {
  stack = await startStack();
  const t = await token();
  api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: t });
  anonymous = createApiClient({ baseUrl: stack.target.rest.baseUrl });
});
afterAll(async () => stack?.stop());

describe('reference stack (broker + database resolved as a developer would get them)', () => {
  it('writes a target file naming its endpoints and client', () => {
    const written = JSON.parse(readFileSync(stack.targetFile, 'utf8'));
    expect(written).toEqual(stack.target);
    expect(written.rest.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(written.auth.tokenUrl).toBe(`${stack.urls.issuer}/oauth/token`);
  });

  it('reports health and version as the contract says', async () => {
    const health = await anonymous.GET('/api/v4/health');
    expect(health.response.status).toBe(200);
    expect(validator.validateResponse('getHealth', 200, health.data)).toEqual([]);
    expect(health.data?.dependencies).toMatchObject({ amqp: { status: 'up' }, db: { status: 'up' } });
    const version = await anonymous.GET('/version');
    expect(validator.validateResponse('getVersion', 200, version.data)).toEqual([]);
    expect(version.data?.git_sha).toMatch(/^([0-9a-f]{12}|unknown)$/);
  });

  it('ingests, publishes report.raw with a valid payload, and replays idempotently', async () => {
    // A temporary tap queue on report.raw sees what the API published (the analyzer consumes the work queue).
    const conn = await connect(stack.target.amqp.url);
    const ch = await conn.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, stack.target.amqp.nameMap['cleanapp-exchange']!, 'report.raw');
    const body = submission('publish', { tags: ['bin'] });
    const first = await api.POST('/api/v4/reports', { body });
    expect(first.response.status).toBe(202);
    expect(validator.validateResponse('submitReport', 202, first.data)).toEqual([]);
    expect(first.data).toMatchObject({ status: 'queued', lane: 'publish', idempotency_replay: false });

    const msg = await ch.get(queue, { noAck: true });
    expect(msg).not.toBe(false);
    const payload = JSON.parse((msg as { content: Buffer }).content.toString());
    const schema = JSON.parse(readFileSync(join(contractPaths.eventSchemas, 'report.raw.json'), 'utf8'));
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    expect(ajv.validate(schema, payload), JSON.stringify(ajv.errors)).toBe(true);
    expect(payload).toMatchObject({ public_id: first.data!.public_id, receipt_id: first.data!.receipt_id, report: { tags: ['bin'], synthetic: true } });
    expect((msg as { properties: { messageId: string } }).properties.messageId).toBe(payload.event_id);
    await conn.close();

    const replay = await api.POST('/api/v4/reports', { body });
    expect(replay.response.status).toBe(202);
    expect(replay.data).toMatchObject({ receipt_id: first.data!.receipt_id, public_id: first.data!.public_id, idempotency_replay: true });

    const conflict = await api.POST('/api/v4/reports', { body: { ...body, latitude: 10 } });
    expect(conflict.response.status).toBe(409);
    expect(conflict.error?.error.request_id).toBe(conflict.response.headers.get('x-request-id'));

    const receipt = await api.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: first.data!.receipt_id } } });
    expect(receipt.data?.source_id).toBe(body.source_id);
    expect(['queued', 'analysed', 'rendered']).toContain(receipt.data?.status); // the pipeline may already be past it
    const report = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: first.data!.public_id } } });
    expect(validator.validateResponse('getReport', 200, report.data)).toEqual([]);
    expect(report.data).toMatchObject({ title: 'Overflowing bin', synthetic: true });
  });

  it('runs the pipeline: ingest → analysis → render → report.rendered, idempotent on content', async () => {
    // Each WebSocket hub has its own report.rendered queue; a temporary tap queue on report.rendered sees the events too.
    const conn = await connect(stack.target.amqp.url);
    const ch = await conn.createChannel();
    const { queue: notify } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(notify, stack.target.amqp.nameMap['cleanapp-exchange']!, 'report.rendered');
    const content = { title: 'Broken glass', description: 'Shards of a Heineken bottle on the cycle path', tags: ['glass'] };
    const a = await api.POST('/api/v4/reports', { body: submission('pipe-a', content) });
    const b = await api.POST('/api/v4/reports', { body: submission('pipe-b', content) });
    const rendered = (publicId: string) =>
      vi.waitFor(async () => {
        const r = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: publicId } } });
        if (r.data?.status !== 'rendered') throw new Error(`waiting for ${publicId} to be rendered (status ${r.data?.status ?? r.response.status})`);
        return r.data;
      }, { timeout: 5_000, interval: 50 });
    const [ra, rb] = await Promise.all([rendered(a.data!.public_id), rendered(b.data!.public_id)]);
    expect(ra.analysis).toMatchObject({ classification: 'hazard', brand_name: 'Heineken' });
    expect(rb.analysis).toEqual(ra.analysis); // same content hash → the stored analysis, not a second run
    const ours = new Set([a.data!.public_id, b.data!.public_id]);
    const events: { public_id: string; card_path: string }[] = [];
    await vi.waitFor(async () => {
      for (let m = await ch.get(notify, { noAck: true }); m && events.length < 2; m = await ch.get(notify, { noAck: true })) {
        const event = JSON.parse(m.content.toString()) as { public_id: string; card_path: string };
        if (ours.has(event.public_id)) events.push(event);
      }
      if (events.length < 2) throw new Error(`waiting for report.rendered of both reports on the tap queue (${events.length} of 2 seen)`);
    }, { timeout: 5_000, interval: 50 });
    await conn.close();
    expect(events.map((e) => e.public_id).sort()).toEqual([...ours].sort());
    expect(events[0]!.card_path).toMatch(/^\/api\/v4\/reports\/rpt_\w{12}\/card\.svg$/);
  });

  it('hides quarantined reports from queries of other clients (the policy shows them to their submitter)', async () => {
    const { data } = await api.POST('/api/v4/reports', { body: submission('quarantine', { lane: 'quarantine' }) });
    expect(data?.lane).toBe('quarantine');
    const other = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token(undefined, 'moderation') });
    const report = await other.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: data!.public_id } } });
    expect(report.response.status).toBe(404);
    expect(report.error?.error.code).toBe('not_found');
    expect((await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: data!.public_id } } })).response.status).toBe(200);
  });

  it('enforces authentication and scopes with the envelope', async () => {
    const none = await anonymous.POST('/api/v4/reports', { body: submission('noauth') });
    expect(none.response.status).toBe(401);
    expect(none.response.headers.get('www-authenticate')).toContain('Bearer');
    const readOnly = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await token('report:read') });
    const forbidden = await readOnly.POST('/api/v4/reports', { body: submission('scope') });
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error?.error.code).toBe('forbidden');
    const forged = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: `${(await token()).slice(0, -4)}AAAA` });
    expect((await forged.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_AAAAAAAAAAAA' } } })).response.status).toBe(401);
  });

  it('answers bad requests with 400/413/415 envelopes, never a 5xx', async () => {
    const url = `${stack.target.rest.baseUrl}/api/v4/reports`;
    const headers = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json', 'x-request-id': 'bad-req-1' };
    const cases: [RequestInit, number, string][] = [
      [{ body: '{not json' }, 400, 'bad_request'],
      [{ body: JSON.stringify({ source_id: 'x' }) }, 400, 'validation_failed'],
      [{ body: JSON.stringify({ ...submission('t'), latitude: 'north' }) }, 400, 'validation_failed'],
      [{ body: JSON.stringify([1, 2]) }, 400, 'validation_failed'],
      [{ body: '' }, 400, 'validation_failed'],
      [{ body: 'x'.repeat(1024 * 1024 + 1) }, 413, 'payload_too_large'],
      [{ body: JSON.stringify(submission('t')), headers: { ...headers, 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
    ];
    for (const [init, status, code] of cases) {
      const res = await fetch(url, { method: 'POST', headers, ...init });
      const body = (await res.json()) as { error: { code: string; request_id: string } };
      expect([res.status, body.error.code], String(init.body).slice(0, 40)).toEqual([status, code]);
      expect(body.error.request_id).toBe('bad-req-1');
      expect(res.headers.get('x-request-id')).toBe('bad-req-1');
    }
    const badParam = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'not-an-id' } } });
    expect(badParam.response.status).toBe(400);
    expect(badParam.error?.error.details?.[0]?.location).toBe('path/public_id');
  });

  it('allows CORS for the configured origin only', async () => {
    const url = `${stack.target.rest.baseUrl}/api/v4/health`;
    const ok = await fetch(url, { headers: { origin: stack.target.cors.allowedOrigin } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(stack.target.cors.allowedOrigin);
    expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-ID');
    const other = await fetch(url, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(403);
  });
});

describe('reference stack: query, render and admin operations', () => {
  // A private spot far from the other tests' reports, so counts and pages are exact.
  const at = { latitude: -33.8688, longitude: 151.2093 };
  const offset = (metres: number) => ({ latitude: at.latitude + metres / 111_320, longitude: at.longitude });
  const ids: string[] = [];

  /** Waits until the report's card is served, i.e. the renderer is done with it. */
  const untilRendered = (publicId: string) =>
    vi.waitFor(async () => {
      const card = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports/${publicId}/card.svg`);
      await card.body?.cancel();
      if (card.status !== 200) throw new Error(`waiting for ${publicId} to be rendered (card.svg answered ${card.status})`);
    }, { timeout: 5_000, interval: 50 });

  beforeAll(async () => {
    for (const [i, metres] of [300, 100, 200, 5000].entries()) {
      const { data } = await api.POST('/api/v4/reports', { body: submission(`near-${i}`, { ...offset(metres), title: `Litter bin ${i}`, description: 'plastic bottle and cans' }) });
      ids.push(data!.public_id);
    }
    await Promise.all(ids.map(untilRendered));
  });

  it('pages reports near a point, nearest first, with an opaque cursor', async () => {
    const first = await api.GET('/api/v4/reports/near', { params: { query: { ...at, radius_m: 1000, limit: 2 } } });
    expect(validator.validateResponse('listReportsNear', 200, first.data)).toEqual([]);
    expect(first.data!.items.map((r) => r.public_id)).toEqual([ids[1], ids[2]]);
    const second = await api.GET('/api/v4/reports/near', { params: { query: { ...at, radius_m: 1000, limit: 2, cursor: first.data!.next_cursor! } } });
    expect(second.data!.items.map((r) => r.public_id)).toEqual([ids[0]]);
    expect(second.data!.next_cursor).toBeNull();
    const bad = await api.GET('/api/v4/reports/near', { params: { query: { ...at, cursor: 'bm90LWEtY3Vyc29y' } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.error.details?.[0]?.location).toBe('query/cursor');
    const missing = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports/near?latitude=1`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(missing.status).toBe(400);
  });

  it('lists map points inside a bounding box and refuses partial boxes', async () => {
    const box = { min_latitude: at.latitude - 0.01, max_latitude: at.latitude + 0.01, min_longitude: at.longitude - 0.01, max_longitude: at.longitude + 0.01 };
    const points = await api.GET('/api/v4/reports/points', { params: { query: box } });
    expect(validator.validateResponse('listReportPoints', 200, points.data)).toEqual([]);
    expect(points.data!.map((p) => p.public_id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(points.data!.every((p) => p.classification === 'litter')).toBe(true);
    const partial = await api.GET('/api/v4/reports/points', { params: { query: { min_latitude: 1 } } });
    expect(partial.response.status).toBe(400);
  });

  it('summarises and counts', async () => {
    const summary = await api.GET('/api/v4/reports/summary');
    expect(validator.validateResponse('getReportSummary', 200, summary.data)).toEqual([]);
    expect(summary.data!.by_classification.find((c) => c.classification === 'litter')!.total).toBeGreaterThanOrEqual(4);
    const stats = await api.GET('/api/v4/stats');
    expect(validator.validateResponse('getStats', 200, stats.data)).toEqual([]);
    expect(stats.data!.by_status.rendered).toBeGreaterThanOrEqual(4);
    expect(stats.data!.reports_total).toBe(stats.data!.published + stats.data!.quarantined);
  });

  it('serves the card as SVG and the public page as HTML, without a token', async () => {
    const card = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports/${ids[0]}/card.svg`);
    expect(card.headers.get('content-type')).toBe('image/svg+xml');
    expect(await card.text()).toContain('Litter bin 0');
    const page = await fetch(`${stack.target.rest.baseUrl}/r/${ids[0]}`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain(`data-public-id="${ids[0]}"`);
    const none = await fetch(`${stack.target.rest.baseUrl}/r/rpt_AAAAAAAAAAAA`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('lets an admin promote a quarantined report and delete one run of synthetic data', async () => {
    const { data } = await api.POST('/api/v4/reports', { body: submission('to-promote', { lane: 'quarantine' }) });
    const readOnly = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await token('report:read') });
    const denied = await readOnly.POST('/api/v4/admin/reports/{public_id}/promote', { params: { path: { public_id: data!.public_id } } });
    expect(denied.response.status).toBe(403);
    // admin alone is not enough: the policy leaves promotion to the moderation client.
    const notModeration = await api.POST('/api/v4/admin/reports/{public_id}/promote', { params: { path: { public_id: data!.public_id } } });
    expect([notModeration.response.status, typeof notModeration.error?.error.decision_id]).toEqual([403, 'string']);
    const moderation = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token(undefined, 'moderation') });
    const promoted = await moderation.POST('/api/v4/admin/reports/{public_id}/promote', { params: { path: { public_id: data!.public_id } } });
    expect(validator.validateResponse('promoteReport', 200, promoted.data)).toEqual([]);
    expect(promoted.data?.lane).toBe('publish');
    expect((await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: data!.public_id } } })).response.status).toBe(200);

    const prefix = `smoke-stack-test-${stack.id}-near-`;
    const deleted = await api.DELETE('/api/v4/admin/reports/synthetic', { params: { query: { source_id_prefix: prefix } } });
    expect(deleted.data).toEqual({ deleted: 4 });
    expect((await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: ids[0]! } } })).response.status).toBe(404);
    expect((await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: data!.public_id } } })).response.status).toBe(200);
  });
});

describe('reference stack with the broker down and an embedded database', () => {
  let down: RunningStack;
  beforeAll(async () => {
    down = await startStack({ amqpUrl: 'amqp://guest:guest@127.0.0.1:9', databaseUrl: 'pglite:memory' });
  }, 90_000); // PGlite boots its WASM Postgres in ~8 s idle, several times that on a busy 2-core machine
  afterAll(async () => down?.stop());

  it('reports 503 with the envelope naming the broker, and still accepts reports into the outbox', async () => {
    const client = createApiClient({ baseUrl: down.target.rest.baseUrl });
    const health = await client.GET('/api/v4/health');
    expect(health.response.status).toBe(503);
    expect(validator.validateResponse('getHealth', 503, health.error)).toEqual([]);
    expect(health.error?.error.details).toEqual([expect.objectContaining({ location: 'dependencies/amqp' })]);

    const authed = createApiClient({ baseUrl: down.target.rest.baseUrl, token: await down.token() });
    const submitted = await authed.POST('/api/v4/reports', { body: { source_id: 'offline-1', latitude: 1, longitude: 1, synthetic: true } });
    expect(submitted.response.status).toBe(202);
    expect(submitted.data?.status).toBe('accepted'); // stored, waiting for the broker
  });
});
