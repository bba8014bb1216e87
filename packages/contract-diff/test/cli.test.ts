import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { expandGlob, main } from '../src/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'contract-diff-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = (required: string[]): string =>
  stringify({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/reports/{id}': {
        get: {
          parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { type: 'object', required, properties: Object.fromEntries(required.map((p) => [p, { type: 'string' }])) } } },
            },
          },
        },
      },
    },
  });

const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const base = file('base.yaml', spec(['public_id', 'seq']));
const revision = file('revision.yaml', spec(['public_id']));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: tmp });
  return { code, out, err };
}

describe('contract-diff CLI', () => {
  it('prints JSON in the documented shape and exits 1 when --fail-on is reached', async () => {
    const r = await run(base, revision, '--format', 'json', '--fail-on', 'breaking');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['changes', 'summary', 'judge']);
    expect(json.judge).toBe('wire');
    expect(json.summary).toEqual({ breaking: 1, warning: 0, info: 0 });
    expect(json.changes[0]).toEqual({
      id: 'response-required-property-removed',
      level: 'breaking',
      kind: 'response-body',
      location: 'GET /reports/{id} response 200 application/json /seq',
      operation: 'GET',
      path: '/reports/{id}',
      message: 'response required property removed: /seq',
    });
  });

  it('fails on a breaking change without --fail-on (the default is breaking); --fail-on none only reports', async () => {
    const byDefault = await run(base, revision);
    expect(byDefault.code).toBe(1);
    expect(byDefault.out).toContain('BREAKING response-required-property-removed');
    const none = await run(base, revision, '--fail-on', 'none');
    expect(none.code).toBe(0);
    expect(none.out).toBe(byDefault.out);
    expect((await run(revision, base)).code).toBe(0); // property added: info
    expect((await run(revision, base, '--fail-on', 'breaking')).code).toBe(0);
    const bad = await run(base, revision, '--fail-on', 'never');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--fail-on must be one of breaking, warning, none');
  });

  it('--ignore accepts a known break; --config can lower it to a warning that --fail-on warning still catches', async () => {
    const ignore = file('ignore.yaml', stringify([{ id: 'response-required-property-removed', operation: 'GET /reports/{reportId}', reason: 'ADR-12' }]));
    expect((await run(base, revision, '--fail-on', 'breaking', '--ignore', ignore)).code).toBe(0);
    const config = file('config.yaml', stringify({ rules: { 'response-required-property-removed': 'warning' } }));
    expect((await run(base, revision, '--fail-on', 'breaking', '--config', config)).code).toBe(0);
    expect((await run(base, revision, '--fail-on', 'warning', '--config', config)).code).toBe(1);
  });

  it('exits 2 naming the file when input is missing or unparseable, or kinds differ', async () => {
    const missing = await run(base, 'nope.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(join(tmp, 'nope.yaml'));
    const broken = file('broken.yaml', 'openapi: 3.1.0\npaths: [\n');
    const bad = await run(base, broken);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('broken.yaml');
    const sdl = file('schema.graphql', 'type Query { a: String }');
    const kinds = await run(base, sdl);
    expect(kinds.code).toBe(2);
    expect(kinds.err).toMatch(/openapi but .*graphql/);
    expect((await run(base)).code).toBe(2);
    expect((await run(base, revision, '--format', 'xml')).code).toBe(2);
  });

  it('renders markdown, github annotations and junit', async () => {
    const md = await run(base, revision, '--format', 'markdown');
    expect(md.out).toContain('| BREAKING | `response-required-property-removed` |');
    const gh = await run(base, revision, '--format', 'github');
    expect(gh.out).toMatch(/^::error title=response-required-property-removed \(GET \/reports\/\{id\} response 200 application\/json \/seq\)::/m);
    const junit = await run(base, revision, '--format', 'junit');
    expect(junit.out).toContain('failures="1"');
    expect(junit.out).toContain('<failure type="response-required-property-removed"');
  });

  it('--format github appends a Markdown table to $GITHUB_STEP_SUMMARY when set', async () => {
    const summary = join(tmp, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    let out = '';
    await main([base, revision, '--format', 'github'], { stdout: (s) => (out += s), stderr: () => {}, cwd: tmp, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(out).toMatch(/^::error /);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n### contract-diff')).toBe(true);
    expect(md).toContain('| BREAKING | `response-required-property-removed` |');
  });

  it('reads URLs, resolving relative $refs against the URL', async () => {
    const files: Record<string, string> = {
      '/v1/api.yaml': stringify({
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: { '/r': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: 'schemas/r.yaml' } } } } } } } },
      }),
      '/v1/schemas/r.yaml': stringify({ type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: { type: 'string' } } }),
      '/v2/api.yaml': '',
      '/v2/schemas/r.yaml': stringify({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }),
    };
    files['/v2/api.yaml'] = files['/v1/api.yaml']!;
    const server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/yaml' }).end(body ?? 'not found');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await run(`http://127.0.0.1:${port}/v1/api.yaml`, `http://127.0.0.1:${port}/v2/api.yaml`, '--format', 'json', '--fail-on', 'none');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).changes.map((c: { id: string; location: string }) => [c.id, c.location])).toEqual([
        ['response-required-property-removed', 'GET /r response 200 application/json /b'],
      ]);
      const missing = await run(`http://127.0.0.1:${port}/v1/api.yaml`, `http://127.0.0.1:${port}/v3/api.yaml`);
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('/v3/api.yaml: HTTP 404');
    } finally {
      server.close();
    }
  });

  it('reads git:<ref>:<path> through git show', async () => {
    const repo = join(tmp, 'repo');
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'api.yaml'), spec(['public_id', 'seq']));
    git('add', 'api.yaml');
    git('commit', '-qm', 'v1');
    writeFileSync(join(repo, 'api.yaml'), spec(['public_id']));
    let out = '';
    const code = await main(['git:HEAD:api.yaml', 'api.yaml', '--format', 'json', '--fail-on', 'breaking'], { stdout: (s) => (out += s), stderr: () => {}, cwd: repo });
    expect(code).toBe(1);
    expect(JSON.parse(out).changes[0].id).toBe('response-required-property-removed');
    let err = '';
    expect(await main(['git:HEAD:missing.yaml', 'api.yaml'], { stdout: () => {}, stderr: (s) => (err += s), cwd: repo })).toBe(2);
    expect(err).toContain('missing.yaml');
  });

  it('--operations validates client operations found by a glob against the revision', async () => {
    const gqlBase = file('base.graphqls', 'type Query { report(id: ID!): Report }\ntype Report { id: ID!, seq: Int }');
    const gqlRev = file('rev.graphqls', 'type Query { report(id: ID!): Report }\ntype Report { id: ID! }');
    mkdirSync(join(tmp, 'ops/nested'), { recursive: true });
    file('ops/nested/report.graphql', 'query ReportSeq($id: ID!) { report(id: $id) { id seq } }');
    file('ops/ok.graphql', 'query ReportId($id: ID!) { report(id: $id) { id } }');
    expect(expandGlob('ops/**/*.graphql', tmp).map((p) => p.slice(tmp.length + 1))).toEqual(['ops/nested/report.graphql', 'ops/ok.graphql']);
    const r = await run(gqlBase, gqlRev, '--operations', 'ops/**/*.graphql', '--format', 'json', '--fail-on', 'breaking');
    expect(r.code).toBe(1);
    const ops = JSON.parse(r.out).changes.filter((c: { id: string }) => c.id === 'graphql-operation-invalid');
    expect(ops).toEqual([expect.objectContaining({ operation: 'ReportSeq', location: 'ops/nested/report.graphql:1:50' })]);
    expect((await run(gqlBase, gqlRev, '--operations', 'nothing/*.graphql')).code).toBe(2);
  });

  it('npm: reads the contract shipped inside a package (npm pack; a local folder stands in for the registry)', async () => {
    const pkg = join(tmp, 'released-client');
    mkdirSync(join(pkg, 'contract'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@cleanapp/fake-client', version: '1.0.0', contract: 'contract/openapi.yaml' }));
    writeFileSync(join(pkg, 'contract/openapi.yaml'), spec(['public_id', 'seq']));
    const r = await run(`npm:${pkg}`, revision, '--format', 'json', '--fail-on', 'breaking');
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).changes.map((c: { id: string }) => c.id)).toEqual(['response-required-property-removed']);
    // An explicit path wins over the manifest; a package without either is unusable input.
    expect((await run(`npm:${pkg}:contract/openapi.yaml`, base)).code).toBe(0);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@cleanapp/fake-client', version: '1.0.0' }));
    const bad = await run(`npm:${pkg}`, revision);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/give the package a "contract" field/);
  }, 120_000);

  it('bin/contract-diff.mjs runs the CLI and propagates the exit code', () => {
    const bin = fileURLToPath(new URL('../bin/contract-diff.mjs', import.meta.url));
    expect(existsSync(bin)).toBe(true);
    const r = spawnSync(process.execPath, [bin, base, revision, '--fail-on', 'breaking'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('BREAKING response-required-property-removed');
    // A gate that forgets --fail-on still fails; the opt-out reports the same change and exits 0.
    const unflagged = spawnSync(process.execPath, [bin, base, revision], { encoding: 'utf8' });
    expect(unflagged.status).toBe(1);
    expect(unflagged.stdout).toBe(r.stdout);
    const optedOut = spawnSync(process.execPath, [bin, base, revision, '--fail-on', 'none'], { encoding: 'utf8' });
    expect(optedOut.status).toBe(0);
    expect(optedOut.stdout).toContain('BREAKING response-required-property-removed');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/--fail-on breaking\|warning\|none[^\n]*\n[^\n]*default breaking/);
    const bad = spawnSync(process.execPath, [bin, base, join(tmp, 'absent.yaml')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('absent.yaml');
  }, 120_000); // through tsx when dist/ is not built; slow when CI runs every package's tests at once
});
