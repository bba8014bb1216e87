// `contract-diff subgraph-check` end to end through the CLI entry (exit codes, formats, URL schemas).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'contract-diff-subgraph-check-'));
const reports = readFileSync(join(contractPaths.subgraphs, 'reports.graphql'), 'utf8');
const analysis = readFileSync(join(contractPaths.subgraphs, 'analysis.graphql'), 'utf8');
const file = (name: string, text: string): string => {
  writeFileSync(join(tmp, name), text);
  return name;
};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['subgraph-check', ...argv], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: tmp, env: {} });
  return { code, out, err };
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer sekret') return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { _service: { sdl: reports.replace(/^\s*seq: Int!\n/m, '') } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('contract-diff subgraph-check', () => {
  it('an unchanged subgraph file (defaults from @cleanapp/contracts): exit 0, no changes', async () => {
    const r = await run('--name', 'reports', '--schema', file('same.graphql', reports));
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('No changes (graphql).\n');
  });

  it('an additive change passes --fail-on breaking; a removal that breaks the graphql-client operations exits 1 even without --fail-on', async () => {
    const added = await run('--name', 'reports', '--schema', file('added.graphql', reports.replace(/^(\s*)seq: Int!\n/m, '$1seq: Int!\n$1language: String\n')), '--fail-on', 'breaking');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/INFO\s+graphql-field-added\s+Report\.language/);
    const removed = await run('--name', 'reports', '--schema', file('removed.graphql', reports.replace(/^\s*seq: Int!\n/m, '')), '--format', 'json');
    expect(removed.code).toBe(1);
    expect(removed.err).toMatch(/0 composition error\(s\), 2 operation\(s\) made invalid/);
    const json = JSON.parse(removed.out) as { changes: { id: string; operation?: string }[]; summary: { breaking: number } };
    expect(json.summary.breaking).toBe(3);
    expect(json.changes.filter((c) => c.id === 'graphql-operation-invalid').map((c) => c.operation)).toEqual(['ReportById', 'ReportsNear']);
  });

  it('a composition error exits 1 and every format names the subgraphs, type and field', async () => {
    const schema = file('conflict.graphql', analysis.replace('publicId: ID!', 'publicId: Int!'));
    for (const format of ['text', 'json', 'markdown', 'github', 'junit']) {
      const r = await run('--name', 'analysis', '--schema', schema, '--format', format);
      expect(r.code, format).toBe(1);
      expect(r.out, format).toMatch(/graphql-composition-failed/);
      expect(r.out, format).toMatch(/Report\.publicId/);
      expect(r.out, format).toMatch(/analysis/);
    }
  });

  it('a --schema URL is read through { _service { sdl } } with --header; --operations are validated too', async () => {
    const ops = file('mine.graphql', 'query Mine { reportsNear(latitude: 0, longitude: 0, radiusMeters: 1) { edges { node { title } } } }');
    const ok = await run('--name', 'reports', '--schema', url, '--header', 'Authorization: Bearer sekret', '--operations', ops, '--no-client-operations', '--format', 'github', '--fail-on', 'none');
    // seq removed, but neither Mine nor (with --no-client-operations) the canonical operations use it.
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^::error title=graphql-field-removed \(Report\.seq\)::/m);
    // --fail-on defaults to breaking: the same removal without the flag fails.
    const failOn = await run('--name', 'reports', '--schema', url, '--header', 'Authorization: Bearer sekret', '--no-client-operations');
    expect(failOn.code).toBe(1);
    const denied = await run('--name', 'reports', '--schema', url);
    expect(denied.code).toBe(2);
    expect(denied.err).toMatch(/HTTP 401/);
  });

  it('unusable input exits 2 with a message naming it; --new adds a subgraph', async () => {
    const media = file('media.graphql', 'type Query { media: String }');
    expect((await run('--name', 'media', '--schema', media)).err).toMatch(/--name media: not one of the subgraphs \(analysis, reports\); pass --new/);
    expect((await run('--name', 'media', '--schema', media)).code).toBe(2);
    expect(await run('--name', 'media', '--schema', media, '--new')).toMatchObject({ code: 0 });
    expect(await run('--name', 'reports', '--schema', 'missing.graphql')).toMatchObject({ code: 2, err: expect.stringMatching(/--schema .*missing\.graphql: file not found/) });
    expect(await run('--name', 'reports', '--schema', file('bad.graphql', 'type Query {'))).toMatchObject({ code: 2, err: expect.stringMatching(/bad\.graphql.*Syntax Error/) });
    expect(await run('--schema', media)).toMatchObject({ code: 2, err: expect.stringMatching(/--name and --schema are required/) });
    expect(await run('--name', 'reports', '--schema', media, '--subgraphs', 'nowhere')).toMatchObject({ code: 2, err: expect.stringMatching(/--subgraphs .*nowhere: no such file or folder/) });
    expect(await run('--name', 'reports', '--schema', media, '--header', 'nocolon')).toMatchObject({ code: 2 });
  });

  it('--subgraphs may be a supergraph file: the other subgraphs are derived from it', async () => {
    const r = await run('--name', 'reports', '--schema', file('same2.graphql', reports), '--subgraphs', contractPaths.supergraph, '--supergraph', contractPaths.supergraph);
    expect(r).toMatchObject({ code: 0, out: 'No changes (graphql).\n' });
  });
});
