// What the CLI process loads: an OpenAPI pair must not pull in the GraphQL tooling, the event engine
// or the YAML parser, and --help none of the engines. Checked on the module graph a loader hook
// records (test/fixtures/module-log), not by timing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/contract-diff.mjs', import.meta.url));
const register = fileURLToPath(new URL('fixtures/module-log/register.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'contract-diff-bin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the bin and returns its exit code, stdout and every module URL or path it loaded. */
function modulesLoaded(...args: string[]): { code: number | null; out: string; modules: string[] } {
  const log = join(tmp, `modules-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, bin, ...args], { encoding: 'utf8', env: { ...process.env, MODULE_LOG: log } });
  return { code: r.status, out: r.stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { dependencies: Record<string, string> };
/** A module of one of this package's dependencies (graphql, yaml, the GraphQL inspector, ...). */
const dependency = new RegExp(`/node_modules/(?:${Object.keys(pkg.dependencies).map((d) => d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})/`);
/** Own modules an OpenAPI comparison has no use for (dist chunks carry a hash in their name). */
const otherEngines = /\/(?:graphql|events|subgraph-check|extract)(?:-[A-Z0-9]+)?\.[jt]s$/;

const openapi = JSON.parse(readFileSync(fileURLToPath(new URL('../../../contracts/generated/openapi.json', import.meta.url)), 'utf8')) as { paths: Record<string, unknown> };
const base = join(tmp, 'base.json');
const revision = join(tmp, 'revision.json');
writeFileSync(base, JSON.stringify(openapi));
const [firstPath] = Object.keys(openapi.paths);
writeFileSync(revision, JSON.stringify({ ...openapi, paths: Object.fromEntries(Object.entries(openapi.paths).filter(([p]) => p !== firstPath)) }));

describe('modules the contract-diff process loads', () => {
  it('an OpenAPI JSON pair: none of the dependencies (graphql, GraphQL inspector, federation, @cleanapp packages, yaml) and no other engine', () => {
    const r = modulesLoaded(base, revision, '--format', 'json', '--fail-on', 'none');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).changes.map((c: { id: string }) => c.id)).toContain('api-path-removed-without-deprecation');
    expect(r.modules.filter((m) => dependency.test(m) || otherEngines.test(m))).toEqual([]);
  }, 60_000);

  it('a GraphQL pair does load graphql (the recorder sees what the OpenAPI test says is absent)', () => {
    const a = join(tmp, 'a.graphql');
    const b = join(tmp, 'b.graphql');
    writeFileSync(a, 'type Query { report(id: ID!): String, count: Int }\n');
    writeFileSync(b, 'type Query { report(id: ID!): String }\n');
    const r = modulesLoaded(a, b, '--format', 'json');
    expect(JSON.parse(r.out).changes.map((c: { id: string }) => c.id)).toEqual(['graphql-field-removed']);
    expect(r.modules.some((m) => /\/node_modules\/graphql\//.test(m))).toBe(true);
    expect(r.modules.some((m) => /\/node_modules\/@graphql-inspector\/core\//.test(m))).toBe(true);
  }, 60_000);

  it('--help loads none of the dependencies and none of the engines', () => {
    const r = modulesLoaded('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: contract-diff BASE REVISION/);
    expect(r.modules.filter((m) => dependency.test(m) || otherEngines.test(m))).toEqual([]);
    // The main entry brings the loader and the OpenAPI engine with it.
    expect(r.modules.filter((m) => /\/(?:index|load|openapi\/diff)\.[jt]s$/.test(m))).toEqual([]);
  }, 60_000);
});
