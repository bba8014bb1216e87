import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, introspectionFromSchema, printSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApiSchema, checkOperations } from '../src/graphql.js';
import { diff, diffSources, parseConfig } from '../src/index.js';
import { corpusRoot, describeCorpus } from './corpus-root.js';

const MM = fileURLToPath(new URL('real/Peleke__MindMirror/', corpusRoot()));
const supergraph = (sha?: string): string => readFileSync(`${MM}mesh/build/supergraph${sha ? `@${sha}` : ''}.graphql`, 'utf8');
const clientOps = (): { name: string; text: string }[] =>
  readdirSync(`${MM}derived/client-operations`).map((f) => ({ name: f, text: readFileSync(`${MM}derived/client-operations/${f}`, 'utf8') }));

describe('GraphQL schema diff', () => {
  const base = 'type Query { report(id: ID!): Report }\ntype Report { id: ID!, title: String!, seq: Int }';

  it('maps inspector criticality to levels (breaking / dangerous → warning / safe → info)', async () => {
    const revision = 'type Query { report(id: ID!, lang: String): Report }\ntype Report { id: ID!, title: String, tags: [String!] }';
    const r = await diff(base, revision);
    expect(r.kind).toBe('graphql');
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([
      ['graphql-field-removed', 'breaking', 'Report.seq'],
      ['graphql-field-type-changed', 'breaking', 'Report.title'],
      ['graphql-field-argument-added', 'warning', 'Query.report.lang'],
      ['graphql-field-added', 'info', 'Report.tags'],
    ]);
  });

  it('GraphQL rule levels can be overridden from a config like any other rule', async () => {
    const config = parseConfig({ rules: { 'graphql-field-argument-added': 'breaking', 'graphql-field-added': 'off' } }, 'cfg');
    const r = await diff(base, 'type Query { report(id: ID!, lang: String): Report }\ntype Report { id: ID!, title: String!, seq: Int, tags: [String] }', { config });
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([['graphql-field-argument-added', 'breaking']]);
    expect(() => parseConfig({ rules: { 'graphql-field-removd': 'info' } }, 'cfg')).toThrow(/unknown rule id/);
  });

  it('accepts subgraph SDL with federation directives and extensions of types owned elsewhere', async () => {
    const sub = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\nextend type Report @key(fields: "publicId") { publicId: ID! analysis: String }';
    const next = sub.replace('analysis: String', 'analysis: String!');
    const r = await diff(sub, next);
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([['graphql-field-type-changed', 'info']]);
  });

  it('reports unparseable SDL as input naming the side', async () => {
    await expect(diff(base, 'type Query {')).rejects.toThrow(/revision: not valid GraphQL SDL/);
  });
});

describeCorpus(MM, 'GraphQL on MindMirror supergraphs (../shared/corpus/real)', () => {
  it('ignores federation plumbing: a supergraph against itself, and join/link types never appear', async () => {
    expect((await diff(supergraph(), supergraph())).changes).toEqual([]);
    const r = await diff(supergraph('a73b998'), supergraph('0f0b39f'));
    expect(r.changes.filter((c) => /join__|link__/.test(c.location))).toEqual([]);
  });

  it('pair A (216fa9b → 884dec8): removed type/field and changed argument type are breaking', async () => {
    const r = await diff(supergraph('216fa9b'), supergraph('884dec8'));
    const breaking = r.changes.filter((c) => c.level === 'breaking').map((c) => `${c.id} ${c.location}`);
    expect(breaking).toEqual(
      expect.arrayContaining([
        'graphql-type-removed JournalEntryType',
        'graphql-field-removed Query.journalEntryExistsToday',
        'graphql-field-type-changed Query.journalEntries',
        'graphql-field-argument-type-changed Mutation.deleteJournalEntry.entryId',
        'graphql-field-type-changed GratitudePayloadType.focus',
      ]),
    );
  });

  it('pair B (630b2fd → 2ac6581): userId argument removed from six habits operations', async () => {
    const r = await diff(supergraph('630b2fd'), supergraph('2ac6581'));
    expect(r.changes.filter((c) => c.level === 'breaking').map((c) => c.location)).toEqual([
      'Mutation.assignProgramToUser.userId',
      'Mutation.markLessonCompleted.userId',
      'Mutation.recordHabitResponse.userId',
      'Mutation.recordLessonOpened.userId',
      'Query.programAssignments.userId',
      'Query.todaysTasks.userId',
    ]);
  });

  it('validates client operations: 11 of the derived operations are invalid against HEAD', () => {
    const checks = checkOperations(buildApiSchema(supergraph(), 'head'), clientOps());
    expect(checks.length).toBeGreaterThan(80);
    expect(checks.filter((c) => c.errors.length > 0).length).toBe(11);
  });

  it('operations valid against the base but not the revision are breaking; already-invalid ones only warn', async () => {
    // Rolling pair B back re-adds the required userId argument the mobile client no longer sends.
    const r = await diff(supergraph('2ac6581'), supergraph('630b2fd'), { operations: clientOps() });
    const broken = r.changes.filter((c) => c.id === 'graphql-operation-invalid');
    expect(broken.map((c) => c.operation).sort()).toEqual(['AssignProgramToUser', 'MarkLessonCompleted', 'ProgramAssignments', 'RecordHabitResponse', 'RecordLessonOpened', 'TodaysTasks']);
    expect(broken.every((c) => c.level === 'breaking' && /userId/.test(c.message) && /habits\.graphql:\d+:\d+$/.test(c.location))).toBe(true);
    expect(r.changes.some((c) => c.id === 'graphql-operation-invalid-before' && c.level === 'warning')).toBe(true);
  });
});

describe('GraphQL subgraph directories (composed with @theguild/federation-composition)', () => {
  // The platform's own subgraphs (read-only); each test edits a copy.
  const SUBGRAPHS = fileURLToPath(new URL('../../../contracts/graphql/', import.meta.url));
  const tmp = mkdtempSync(join(tmpdir(), 'contract-diff-graphql-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const variant = (name: string, edit: (file: string, sdl: string) => string): string => {
    const dir = join(tmp, name);
    cpSync(SUBGRAPHS, dir, { recursive: true });
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), edit(f, readFileSync(join(dir, f), 'utf8')));
    return dir;
  };

  it('compares the composed API schema: a field removed from one subgraph is breaking', async () => {
    expect((await diffSources(SUBGRAPHS, variant('same', (_f, s) => s))).changes).toEqual([]);
    const r = await diffSources(SUBGRAPHS, variant('no-seq', (f, s) => (f === 'reports.graphql' ? s.replace(/^\s*seq: Int!\n/m, '') : s)));
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([['graphql-field-removed', 'breaking', 'Report.seq']]);
  });

  it('the committed supergraph against what a gateway serving it introspects as (no federation directives at all): drift only when a field is gone', async () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../contracts/generated/supergraph.graphql', import.meta.url)), 'utf8');
    // What `getIntrospectionQuery` + `buildClientSchema` + `printSchema` give a smoke suite: no @key/@join__*,
    // no schema directives, types in the server's order.
    const introspected = (sdl: string) => printSchema(buildClientSchema(introspectionFromSchema(buildApiSchema(sdl, 'served'))));
    expect(introspected(committed)).not.toMatch(/join__|@key|@link/);
    expect((await diff(committed, introspected(committed))).changes).toEqual([]);
    const outdated = introspected(committed).replace(/^\s*seq: Int!\n/m, '');
    const r = await diff(committed, outdated);
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([['graphql-field-removed', 'breaking', 'Report.seq']]);
  });

  it('a revision whose subgraphs no longer compose is one breaking finding naming the conflict', async () => {
    const conflicting = variant('conflict', (f, s) => (f === 'analysis.graphql' ? s.replace('publicId: ID!', 'publicId: Int!') : s));
    const r = await diffSources(SUBGRAPHS, conflicting);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ id: 'graphql-composition-failed', level: 'breaking' });
    expect(r.changes[0]!.message).toMatch(/Report\.publicId/);
  });
});
