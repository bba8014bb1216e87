import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintOpenApi, lintTargets } from '../src/lint/index.js';
import { contractsDir, SLOW } from './helpers.js';

describe('the real contracts', { timeout: SLOW }, () => {
  it('lint without errors (OpenAPI, AsyncAPI, GraphQL)', async () => {
    const problems = await lintTargets(undefined, { cwd: contractsDir });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

// The research corpus lives next to the repo (../shared/corpus from the repo root); it is read in place, never copied.
// CLEANAPP_CORPUS_DIR points elsewhere, e.g. when CI runs on a clone in another folder.
const CORPUS_FILE = 'real/cleanappio__cleanapp_back_end_v2/platform_blueprint/contracts/openapi/api_v4_openapi.json';
const corpusFile = process.env.CLEANAPP_CORPUS_DIR
  ? join(process.env.CLEANAPP_CORPUS_DIR, CORPUS_FILE)
  : fileURLToPath(new URL(`../../../shared/corpus/${CORPUS_FILE}`, import.meta.url));

describe.skipIf(!existsSync(corpusFile))(
  `CleanApp's real api_v4_openapi.json (skipped: research corpus not found at ${corpusFile})`,
  { timeout: SLOW },
  () => {
    it('reports its dangling $ref to #/components/schemas/ReportAnalysis', async () => {
      const problems = await lintOpenApi(corpusFile, { cwd: contractsDir });
      expect(problems).toContainEqual({
        file: relative(contractsDir, corpusFile),
        pointer: '/components/schemas/ReportWithAnalysis/properties/analysis/items',
        severity: 'error',
        rule: 'no-unresolved-refs',
        message: expect.stringContaining("Can't resolve $ref"),
      });
    });
  },
);
