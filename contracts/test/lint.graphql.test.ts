import { describe, expect, it } from 'vitest';
import { lintGraphql } from '../src/lint/index.js';
import { contractsDir, fixture } from './helpers.js';

describe('lintGraphql (federation composition)', () => {
  it('reports an incompatible field type on the subgraph file and field, with the line', async () => {
    expect(await lintGraphql(fixture('graphql/incompatible-field'), { cwd: contractsDir })).toEqual([
      {
        file: fixture('graphql/incompatible-field/analysis.graphql'),
        pointer: '/Report/seq',
        severity: 'error',
        rule: 'graphql-composition',
        message: expect.stringMatching(/^FIELD_TYPE_MISMATCH: Type of field "Report\.seq" is incompatible.*"String" in subgraph "analysis".*"Int!" in subgraph "reports"/),
        line: 7,
      },
    ]);
  });
});
