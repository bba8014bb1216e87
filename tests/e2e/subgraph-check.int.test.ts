import { parseFaults, startStack, type StackOptions } from '@cleanapp/reference-stack';
import { describe, expect, it } from 'vitest';
import { run, type RunResult } from './run.js';

// `contract-diff subgraph-check` against a running reports subgraph (read with { _service { sdl } } behind
// the stack's JWT): the reference stack's subgraph passes; one serving an older SDL (fault
// graphql-subgraph-outdated: no Report.seq) is blocked, naming the field and the client operations it breaks.

async function subgraphCheck(options: StackOptions, ...extra: string[]): Promise<RunResult & { output: string }> {
  const stack = await startStack(options);
  try {
    const token = await stack.token();
    const args = ['packages/contract-diff/bin/contract-diff.mjs', 'subgraph-check', '--name', 'reports', '--schema', stack.urls.subgraphs.reports!, '--header', `Authorization: Bearer ${token}`, ...extra];
    const result = await run('node', args);
    return { ...result, output: result.stdout + result.stderr };
  } finally {
    await stack.stop();
  }
}

describe('contract-diff subgraph-check against the reference stack', () => {
  it('the healthy reports subgraph composes with the canonical ones: no changes, exit 0', async () => {
    const { code, output } = await subgraphCheck({}, '--fail-on', 'breaking');
    expect(code, output).toBe(0);
    expect(output).toMatch(/^No changes \(graphql\)\.$/m);
  }, 120_000);

  it('fails (exit 1) against graphql-subgraph-outdated: Report.seq removed, both graphql-client operations invalid', async () => {
    const { code, output } = await subgraphCheck({ faults: parseFaults('graphql-subgraph-outdated') }, '--format', 'github');
    expect(code, output).toBe(1);
    expect(output).toMatch(/^::error title=graphql-field-removed \(Report\.seq\)::/m);
    expect(output).toMatch(/^::error title=graphql-operation-invalid \(@cleanapp\/graphql-client#ReportById[^)]*\)::.*Cannot query field "seq" on type "Report"/m);
    expect(output).toMatch(/^::error title=graphql-operation-invalid \(@cleanapp\/graphql-client#ReportsNear/m);
    expect(output).toMatch(/0 composition error\(s\), 2 operation\(s\) made invalid/);
  }, 120_000);
});
