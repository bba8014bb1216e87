// Proof of `--judge clients`: for each change, a consumer file written against the client generated from
// the base contract (openapi-typescript + openapi-fetch, as @cleanapp/api-client is built) is type-checked
// against the client regenerated from the revision. The judgement must call the change breaking where that
// code stops compiling (or, for a pattern, where every value it used to send is refused now) and not where
// it still compiles, while the wire judgement keeps oasdiff's levels.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff, type DiffResult } from '../src/index.js';

type Json = Record<string, unknown>;
const clone = <T>(x: T): T => structuredClone(x);

const base: Json = {
  openapi: '3.1.0',
  info: { title: 'judge', version: '1' },
  paths: {
    '/reports/{id}': {
      get: {
        operationId: 'getReport',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^rpt_[A-Za-z0-9]{12}$' }, example: 'rpt_AAAAAAAAAAAA' },
          { name: 'fields', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Report' } } } } },
      },
    },
    '/reports': {
      post: {
        operationId: 'submitReport',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Submission' } } } },
        responses: { '202': { description: 'accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/Report' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Report: {
        type: 'object',
        required: ['id', 'status'],
        properties: { id: { type: 'string' }, status: { type: 'string', enum: ['open', 'closed'] }, note: { type: 'string' } },
      },
      Submission: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, note: { type: 'string' } } },
    },
  },
};
const schemas = (doc: Json) => (doc.components as { schemas: Record<string, { properties: Record<string, Json>; required?: string[] }> }).schemas;
const getOp = (doc: Json) => (doc.paths as Record<string, Record<string, { parameters: Json[] }>>)['/reports/{id}']!.get!;

// What code written against the released client does: read, compare, send.
const consumers = {
  readsNote: `const { data } = await client.GET('/reports/{id}', { params: { path: { id: 'rpt_AAAAAAAAAAAA' } } });\nexport const note: string | undefined = data?.note;`,
  comparesStatus: `const { data } = await client.GET('/reports/{id}', { params: { path: { id: 'rpt_AAAAAAAAAAAA' } } });\nexport const open = data?.status === 'open';`,
  // Typed as the client exports it (@cleanapp/api-client's ReportSubmission is this type).
  sendsNote: `type Submission = paths['/reports']['post']['requestBody']['content']['application/json'];\nconst body: Submission = { title: 'litter', note: 'by the bench' };\nexport const sent = await client.POST('/reports', { body });`,
  passesFields: `export const got = await client.GET('/reports/{id}', { params: { path: { id: 'rpt_AAAAAAAAAAAA' }, query: { fields: 'id' } } });`,
};

interface Case {
  name: string;
  change: (doc: Json) => void;
  consumer: keyof typeof consumers;
  /** Expected under --judge clients; wire is checked to stay below breaking for every promoted case. */
  clients: 'breaking' | 'not breaking';
  /** The rule that carries the change. */
  rule: string;
  /** The TypeScript error the old code gets against the new client (none: it still compiles). */
  tsError?: number;
}

const cases: Case[] = [
  { name: 'optional response property removed', change: (d) => delete schemas(d).Report!.properties.note, consumer: 'readsNote', clients: 'breaking', rule: 'response-optional-property-removed', tsError: 2339 },
  {
    name: 'optional response property renamed',
    change: (d) => {
      const p = schemas(d).Report!.properties;
      p.remark = p.note!;
      delete p.note;
    },
    consumer: 'readsNote',
    clients: 'breaking',
    rule: 'response-optional-property-removed',
    tsError: 2339,
  },
  { name: 'response enum values replaced', change: (d) => (schemas(d).Report!.properties.status!.enum = ['active', 'closed']), consumer: 'comparesStatus', clients: 'breaking', rule: 'response-property-enum-value-removed', tsError: 2367 },
  { name: 'optional request property removed', change: (d) => delete schemas(d).Submission!.properties.note, consumer: 'sendsNote', clients: 'breaking', rule: 'request-property-removed', tsError: 2353 },
  { name: 'optional query parameter removed', change: (d) => (getOp(d).parameters = getOp(d).parameters.filter((p) => p.name !== 'fields')), consumer: 'passesFields', clients: 'breaking', rule: 'request-parameter-removed', tsError: 2322 },
  {
    name: 'path parameter pattern replaced by one with no value in common',
    change: (d) => ((getOp(d).parameters[0]!.schema as Json).pattern = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
    consumer: 'passesFields',
    clients: 'breaking',
    rule: 'request-parameter-pattern-changed',
  },
  // The non-breaking twins: the same places, changes the old code survives.
  { name: 'optional response property added', change: (d) => (schemas(d).Report!.properties.photo = { type: 'string' }), consumer: 'readsNote', clients: 'not breaking', rule: 'response-optional-property-added' },
  { name: 'response enum value added', change: (d) => (schemas(d).Report!.properties.status!.enum = ['open', 'closed', 'archived']), consumer: 'comparesStatus', clients: 'not breaking', rule: 'response-property-enum-value-added' },
  { name: 'optional request property added', change: (d) => (schemas(d).Submission!.properties.photo = { type: 'string' }), consumer: 'sendsNote', clients: 'not breaking', rule: 'new-optional-request-property' },
  {
    name: 'path parameter pattern widened (old ids still match)',
    change: (d) => ((getOp(d).parameters[0]!.schema as Json).pattern = '^(rpt|rep)_[A-Za-z0-9]{12}$'),
    consumer: 'passesFields',
    clients: 'not breaking',
    rule: 'request-parameter-pattern-changed',
  },
];

// Inside the package so that the consumer files resolve openapi-fetch from its node_modules.
const work = mkdtempSync(fileURLToPath(new URL('../node_modules/.judge-', import.meta.url)));
const compiled = new Map<string, readonly ts.Diagnostic[]>();

async function writeClient(dir: string, doc: Json): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(doc as never)));
}

/** Type-checks every case's consumer against `side` in one program; diagnostics per case name. */
function typecheck(side: 'old' | 'new'): Map<string, readonly ts.Diagnostic[]> {
  const files = cases.map((c, i) => {
    const file = join(work, `case${i}`, side, 'consumer.ts');
    writeFileSync(file, `import createClient from 'openapi-fetch';\nimport type { paths } from './schema.js';\nconst client = createClient<paths>({ baseUrl: 'https://api.example' });\n${consumers[c.consumer]}\n`);
    return { c, file };
  });
  const program = ts.createProgram(
    files.map((f) => f.file),
    { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] },
  );
  const out = new Map<string, readonly ts.Diagnostic[]>();
  for (const { c, file } of files) out.set(c.name, ts.getPreEmitDiagnostics(program, program.getSourceFile(file)));
  return out;
}

const verdicts = new Map<string, { wire: DiffResult; clients: DiffResult; revision: Json }>();
let oldDiagnostics: Map<string, readonly ts.Diagnostic[]>;
let newDiagnostics: Map<string, readonly ts.Diagnostic[]>;

beforeAll(async () => {
  for (const [i, c] of cases.entries()) {
    const revision = clone(base);
    c.change(revision);
    await writeClient(join(work, `case${i}`, 'old'), base);
    await writeClient(join(work, `case${i}`, 'new'), revision);
    verdicts.set(c.name, { wire: await diff(base, revision), clients: await diff(base, revision, { judge: 'clients' }), revision });
  }
  oldDiagnostics = typecheck('old');
  newDiagnostics = typecheck('new');
  compiled.set('old', [...oldDiagnostics.values()].flat());
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const levelOf = (r: DiffResult, rule: string) => r.changes.find((c) => c.id === rule)?.level;
const message = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;

describe('--judge clients, proved against the regenerated client', () => {
  it('every consumer compiles against the client of the base contract', () => {
    expect(compiled.get('old')!.map(message)).toEqual([]);
  });

  describe.each(cases)('$name', (c) => {
    it(`is ${c.clients} for typed clients, and says so with rule ${c.rule}`, () => {
      const v = verdicts.get(c.name)!;
      expect(v.clients.judge).toBe('clients');
      expect(v.wire.judge).toBe('wire');
      // The change is found in both judgements; only its level may differ.
      expect(levelOf(v.wire, c.rule)).toBeDefined();
      if (c.clients === 'breaking') {
        expect(levelOf(v.clients, c.rule)).toBe('breaking');
        expect(v.clients.summary.breaking).toBeGreaterThan(0);
      } else {
        expect(v.clients.summary.breaking).toBe(0);
        expect(levelOf(v.clients, c.rule)).toBe(levelOf(v.wire, c.rule));
      }
    });

    it(c.tsError ? `old code stops compiling against the new client (TS${c.tsError})` : 'old code still compiles against the new client', () => {
      const errors = newDiagnostics.get(c.name)!;
      if (c.tsError) expect(errors.map((d) => d.code)).toContain(c.tsError);
      else expect(errors.map(message)).toEqual([]);
    });
  });

  it('the wire judgement keeps the promoted changes below breaking (oasdiff-compatible)', () => {
    for (const c of cases.filter((x) => x.clients === 'breaking')) expect(levelOf(verdicts.get(c.name)!.wire, c.rule), c.name).not.toBe('breaking');
  });

  it('a replaced pattern refuses the value the old client was sending; a widened one does not', () => {
    const example = 'rpt_AAAAAAAAAAAA';
    const patternOf = (name: string) => (getOp(verdicts.get(name)!.revision).parameters[0]!.schema as { pattern: string }).pattern;
    expect(new RegExp(patternOf('path parameter pattern replaced by one with no value in common')).test(example)).toBe(false);
    expect(new RegExp(patternOf('path parameter pattern widened (old ids still match)')).test(example)).toBe(true);
  });

  it('a config rule level still has the last word over the judgement', async () => {
    const revision = verdicts.get('optional response property removed')!.revision;
    const r = await diff(base, revision, { judge: 'clients', config: { rules: { 'response-optional-property-removed': 'warning' } } });
    expect(levelOf(r, 'response-optional-property-removed')).toBe('warning');
  });
});
