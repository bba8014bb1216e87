// Installs the packed tarballs into a throwaway app outside the workspace, typechecks a strict NodeNext
// consumer against the published types, runs it against the real reference stack, and shows that a
// changed response field in the contract breaks the consumer's typecheck once the client is regenerated.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, copyApp, createConsumerApp, hasBuild, npmInstall, typecheck } from '../src/consumer.js';
import { packModifiedApiClient, renameResponseField } from '../src/contract-change.js';
import { buildPackages, packPackages, type PackedPackage } from '../src/pack.js';
import { publishedPackages } from '../src/packages.js';

let packed: PackedPackage[] = [];
let app: string;
const cleanup: string[] = [];

beforeAll(async () => {
  if (!publishedPackages.every((p) => hasBuild(p.dir))) await buildPackages();
  packed = await packPackages();
  cleanup.push(join(packed[0]!.tarball, '..'));
  app = await createConsumerApp(packed);
  cleanup.push(app);
});
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('consumer app installing the packed tarballs', () => {
  it('typechecks a strict NodeNext consumer (skipLibCheck off) against the published types', async () => {
    const result = await typecheck(app);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  describe('against the reference stack', () => {
    let stack: RunningStack;
    let token: string;
    beforeAll(async () => {
      stack = await startStack();
      token = await stack.token();
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('compiles with tsc and runs: REST ingest, GraphQL query, event validation and contract files', async () => {
      const compiled = await typecheck(app, true);
      expect(compiled.output).toBe('');
      const result = await command(process.execPath, ['dist/main.js'], app, {
        CLEANAPP_API_URL: stack.target.rest.baseUrl,
        CLEANAPP_GRAPHQL_URL: stack.target.graphql.url,
        CLEANAPP_TOKEN: token,
      });
      expect(result.code, result.output).toBe(0);
      const steps = Object.fromEntries(
        result.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { step: string })
          .map((s) => [s.step, s]),
      ) as Record<string, Record<string, unknown>>;
      expect(steps.contracts).toMatchObject({ openapi: expect.stringMatching(/^3\.1/), supergraphHasReport: true, subgraphHasReport: true, asyncapiFile: true });
      expect(steps.contracts!.paths).toBeGreaterThan(5);
      expect(steps.contracts!.queues).toBeGreaterThan(0);
      expect(steps.events).toEqual({ step: 'events', valid: true, invalidErrors: [expect.stringContaining('/seq')] });
      expect(steps.health).toEqual({ step: 'health', status: 200 });
      expect(steps.ingest).toMatchObject({ receipt_id: expect.stringMatching(/^rcp_/), public_id: expect.stringMatching(/^rpt_/), lane: 'publish' });
      expect(steps.graphql).toEqual({ step: 'graphql', publicId: steps.ingest!.public_id, classification: expect.any(String) });
    });
  });

  it('fails to typecheck, naming the field, after IngestReceipt.receipt_id is renamed in the contract and the client regenerated', async () => {
    const api = packed.find((p) => p.name === '@cleanapp/api-client')!;
    const work = join(api.tarball, '..');
    const changedContract = renameResponseField(work, 'IngestReceipt', 'receipt_id', 'receipt_ref');
    const tarball = await packModifiedApiClient(api, changedContract);
    cleanup.push(join(tarball, '..'));
    const changedApp = copyApp(app);
    cleanup.push(changedApp);
    await npmInstall(changedApp, [tarball]);
    const result = await typecheck(changedApp);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/src\/main\.ts\(\d+,\d+\): error TS\d+: Property 'receipt_id' does not exist/);
  });
});
