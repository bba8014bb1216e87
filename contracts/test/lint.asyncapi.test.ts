import { describe, expect, it } from 'vitest';
import { lintAsyncApi } from '../src/lint/index.js';
import { contractsDir, fixture, SLOW } from './helpers.js';

const lint = (dir: string) => lintAsyncApi(fixture(`asyncapi/${dir}/asyncapi.yaml`), { cwd: contractsDir });

describe('lintAsyncApi (AsyncAPI parser + Redocly) on fixtures', { timeout: SLOW }, () => {
  it('the baseline fixture is clean', async () => {
    expect(await lint('valid')).toEqual([]);
  });

  it("reports payload examples that break the schema: the schema file's own and the message's", async () => {
    expect(await lint('invalid-payload-example')).toEqual([
      {
        file: fixture('asyncapi/invalid-payload-example/asyncapi.yaml'),
        pointer: '/components/messages/reportRaw/examples/0/payload/lane',
        severity: 'error',
        rule: 'cleanapp/no-invalid-payload-examples',
        message: expect.stringContaining('`lane` must be equal to one of the allowed values'),
      },
      {
        file: fixture('asyncapi/invalid-payload-example/schemas/report.raw.json'),
        pointer: '/examples/0/seq',
        severity: 'error',
        rule: 'cleanapp/no-invalid-payload-examples',
        message: expect.stringContaining('`seq` must be integer'),
      },
    ]);
  });

  it('reports a dangling payload $ref as an error, once (Redocly and the parser both see it)', async () => {
    expect(await lint('dangling-payload-ref')).toEqual([
      {
        file: fixture('asyncapi/dangling-payload-ref/asyncapi.yaml'),
        pointer: '/components/messages/reportRaw/payload/schema',
        severity: 'error',
        rule: 'no-unresolved-refs',
        message: expect.stringContaining('schemas/report.missing.json'),
      },
    ]);
  });

  it("reports the parser's structural errors with their pointer", async () => {
    expect(await lint('invalid-structure')).toEqual([
      {
        file: fixture('asyncapi/invalid-structure/asyncapi.yaml'),
        pointer: '/operations/publishReportRaw/action',
        severity: 'error',
        rule: 'asyncapi-document-resolved',
        message: expect.stringContaining('"send", "receive"'),
      },
    ]);
  });
});
