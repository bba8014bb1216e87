import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contractPaths } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult } from './format.js';
import { extractSubgraphs } from './extract.js';
import { fetchSubgraphSdl, subgraphCheck } from './subgraph-check.js';

// The canonical subgraphs and supergraph shipped by @cleanapp/contracts are the defaults; each test edits one.
const reports = readFileSync(`${contractPaths.subgraphs}reports.graphql`, 'utf8');
const analysis = readFileSync(`${contractPaths.subgraphs}analysis.graphql`, 'utf8');

describe('subgraphCheck on the canonical subgraphs', () => {
  it('an unchanged candidate composes and gives no changes; the graphql-client operations are validated', async () => {
    const r = await subgraphCheck({ name: 'reports', candidateSdl: reports });
    expect(r.changes).toEqual([]);
    expect(r.compositionErrors).toEqual([]);
    expect(r.operationsChecked).toBeGreaterThanOrEqual(2);
    expect(r.supergraph).toMatch(/join__Graph/);
  });

  it('removing a field a client operation uses is breaking and makes the operation invalid', async () => {
    const r = await subgraphCheck({ name: 'reports', candidateSdl: reports.replace(/^\s*seq: Int!\n/m, '') });
    expect(r.changes.map((c) => [c.id, c.level, c.location.replace(/:\d+:\d+$/, '')])).toEqual([
      ['graphql-operation-invalid', 'breaking', '@cleanapp/graphql-client#ReportById'],
      ['graphql-operation-invalid', 'breaking', '@cleanapp/graphql-client#ReportsNear'],
      ['graphql-field-removed', 'breaking', 'Report.seq'],
    ]);
    expect(r.invalidOperations.map((c) => c.operation)).toEqual(['ReportById', 'ReportsNear']);
    expect(r.invalidOperations[0]!.message).toMatch(/Cannot query field "seq" on type "Report"/);
  });

  it('adding a field is info only', async () => {
    const r = await subgraphCheck({ name: 'reports', candidateSdl: reports.replace(/^(\s*)seq: Int!\n/m, '$1seq: Int!\n$1language: String\n') });
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([['graphql-field-added', 'info', 'Report.language']]);
    expect(r.invalidOperations).toEqual([]);
  });

  it('a type conflict with another subgraph is a composition error naming subgraphs, type and field', async () => {
    const r = await subgraphCheck({ name: 'analysis', candidateSdl: analysis.replace('publicId: ID!', 'publicId: Int!') });
    expect(r.supergraph).toBeUndefined();
    expect(r.compositionErrors.length).toBeGreaterThan(0);
    const e = r.compositionErrors.find((p) => p.coordinates.includes('Report.publicId'))!;
    expect(e.subgraphs).toEqual(expect.arrayContaining(['analysis', 'reports']));
    expect(e.message).toMatch(/Report\.publicId/);
    expect(r.changes.every((c) => c.id === 'graphql-composition-failed' && c.level === 'breaking')).toBe(true);
    expect(r.changes.map((c) => c.location)).toContain('subgraph analysis, reports Report.publicId');
    // Every output format carries the composition error.
    for (const f of ['text', 'json', 'markdown', 'github', 'junit'] as const) expect(formatResult(r, f)).toMatch(/Report\.publicId/);
  });

  it('operations passed in are validated too; an unknown subgraph is an error unless it is new', async () => {
    const mine = { name: 'app/seq.graphql', text: 'query Seq($id: ID!) { report(publicId: $id) { seq analysis { summary } } }' };
    const r = await subgraphCheck({ name: 'analysis', candidateSdl: analysis.replace(/^\s*summary: String!\n/m, ''), operations: [mine], clientOperations: false });
    expect(r.invalidOperations.map((c) => [c.operation, c.location])).toEqual([['Seq', 'app/seq.graphql:1:62']]);
    await expect(subgraphCheck({ name: 'media', candidateSdl: 'type Query { media: String }' })).rejects.toThrow(/--name media: not one of the subgraphs \(analysis, reports\)/);
    const added = await subgraphCheck({ name: 'media', candidateSdl: 'type Query { media: String }', isNew: true });
    expect(added.changes.map((c) => [c.id, c.level, c.location])).toEqual([['graphql-field-added', 'info', 'Query.media']]);
    await expect(subgraphCheck({ name: 'reports', candidateSdl: reports, isNew: true })).rejects.toThrow(/already exists/);
  });

  it('subgraphs derived from the supergraph compose back to the same API', async () => {
    const supergraph = readFileSync(contractPaths.supergraph, 'utf8');
    const derived = extractSubgraphs(supergraph);
    expect(derived.map((s) => s.name).sort()).toEqual(['analysis', 'reports']);
    const r = await subgraphCheck({ name: 'reports', candidateSdl: derived.find((s) => s.name === 'reports')!.sdl, subgraphs: derived, supergraph });
    expect(r.changes).toEqual([]);
  });
});

describe('fetchSubgraphSdl', () => {
  let server: Server;
  let url: string;
  const seen: { auth?: string; body?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        if (req.url === '/denied') return void res.writeHead(401).end('no token');
        res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/no-sdl' ? '{"errors":[{"message":"Cannot query field _service"}]}' : JSON.stringify({ data: { _service: { sdl: reports } } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('POSTs { _service { sdl } } with the given headers and returns the SDL; failures name the URL', async () => {
    expect(await fetchSubgraphSdl(`${url}/graphql`, { Authorization: 'Bearer t0k' })).toBe(reports);
    expect(seen[0]).toEqual({ auth: 'Bearer t0k', body: '{"query":"{ _service { sdl } }"}' });
    await expect(fetchSubgraphSdl(`${url}/denied`)).rejects.toThrow(`${url}/denied: HTTP 401`);
    await expect(fetchSubgraphSdl(`${url}/no-sdl`)).rejects.toThrow(/no data\._service\.sdl in the answer \(Cannot query field _service\)/);
  });
});
