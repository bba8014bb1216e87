// Real-system contracts from ../shared/corpus (never copied into the repo): skipped when absent.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { diffSources } from '../src/index.js';
import { corpusRoot, describeCorpus } from './corpus-root.js';

const REAL = fileURLToPath(new URL('real/cleanappio__cleanapp_back_end_v2/', corpusRoot()));
const TWILIO = fileURLToPath(new URL('twilio/', corpusRoot()));
const v4 = (sha: string): string => `${REAL}derived/api_v4_openapi@${sha}-derived.json`;

describeCorpus(REAL, 'CleanApp api_v4 (versions derived from the back end repository history)', () => {
  it('7ed23bd → 746c35f: dropping ReportPoint.seq and public_id breaks GET /api/v4/reports/points', async () => {
    const r = await diffSources(v4('7ed23bd'), v4('746c35f'));
    expect(r.summary.breaking).toBe(2);
    expect(r.changes.filter((c) => c.level === 'breaking').map((c) => [c.id, c.operation, c.path, c.location.split(' ').pop()])).toEqual([
      ['response-required-property-removed', 'GET', '/api/v4/reports/points', '/items/public_id'],
      ['response-required-property-removed', 'GET', '/api/v4/reports/points', '/items/seq'],
    ]);
  });

  it('2c2f0f4 → 7ed23bd: a new endpoint is not breaking (dangling refs tolerated)', async () => {
    const r = await diffSources(v4('2c2f0f4'), v4('7ed23bd'));
    expect(r.changes.map((c) => [c.id, c.path])).toEqual([['endpoint-added', '/api/v4/reports/by-public-id']]);
  });

  it('ingest v1 eb100a4 → current: new endpoints, and new fields in a closed response only warn', async () => {
    const r = await diffSources(`${REAL}report-listener/handlers/openapi/cleanapp-ingest.v1@eb100a4.yaml`, `${REAL}report-listener/handlers/openapi/cleanapp-ingest.v1.yaml`);
    expect(r.summary).toEqual({ breaking: 0, warning: 2, info: 4 });
    expect(r.changes.filter((c) => c.level === 'warning').map((c) => [c.id, c.location])).toEqual([
      ['response-property-added-to-closed-schema', 'GET /v1/fetchers/me response 200 application/json /defaults'],
      ['response-property-added-to-closed-schema', 'GET /v1/fetchers/me response 200 application/json /verified_domain'],
    ]);
  });

  it('captured prod spec → 2c2f0f4: adding required public_id to responses is not breaking', async () => {
    const r = await diffSources(`${REAL}platform_blueprint/contracts/openapi/api_v4_openapi.json`, v4('2c2f0f4'));
    expect(r.summary.breaking).toBe(0);
    expect(r.changes.every((c) => c.id === 'response-required-property-added')).toBe(true);
    expect(r.changes.length).toBeGreaterThan(0);
  });
});

describeCorpus(TWILIO, 'Twilio api v2010 (1.9 MB specs)', () => {
  it('diffs consecutive versions; an identical pair has no changes', async () => {
    const a = `${TWILIO}twilio_api_v2010@d50069b.json`;
    const b = `${TWILIO}twilio_api_v2010@ef3ca5d.json`;
    expect((await diffSources(a, a)).changes).toEqual([]);
    const r = await diffSources(a, b);
    expect(r.summary.breaking).toBeGreaterThan(0);
    // Every finding is attributed to an endpoint of the spec or to a global section.
    expect(r.changes.filter((c) => c.path !== undefined && !c.path.startsWith('/2010-04-01/'))).toEqual([]);
  }, 60_000);
});
