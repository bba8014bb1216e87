import { BaseSequencer } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { longestFirst } from './sequencer.js';

const root = '/suites';

/** Sorts files (path, size, duration last time) as the runner's sequencer does with `workers` workers. */
async function order(files: { path: string; size: number; last?: number }[], workers = 2): Promise<string[]> {
  const byKey = new Map(files.map((f) => [`:${f.path}`, f]));
  const ctx = {
    config: { root },
    cache: {
      getFileTestResults: (key: string) => (byKey.get(key)?.last === undefined ? undefined : { duration: byKey.get(key)!.last, failed: false }),
      getFileStats: (key: string) => ({ size: byKey.get(key)!.size }),
    },
  };
  const Sequencer = longestFirst(BaseSequencer, workers);
  const specs = files.map((f) => ({ project: { name: '' }, moduleId: `${root}/${f.path}` }));
  const sorted = (await new Sequencer(ctx as never).sort(specs as never)) as unknown as { moduleId: string }[];
  return sorted.map((s) => s.moduleId.slice(root.length + 1));
}

describe('longestFirst', () => {
  it('without durations (a fresh machine): the perf files first, not side by side, then larger files', async () => {
    const files = [
      { path: 'auth/auth.test.ts', size: 400 },
      { path: 'perf/graphql.test.ts', size: 54 },
      { path: 'perf/rest.test.ts', size: 50 },
      { path: 'websocket/websocket.test.ts', size: 300 },
      { path: 'health/health.test.ts', size: 57 },
    ];
    expect(await order(files)).toEqual(['perf/graphql.test.ts', 'auth/auth.test.ts', 'perf/rest.test.ts', 'websocket/websocket.test.ts', 'health/health.test.ts']);
    expect(await order(files, 3)).toEqual(['perf/graphql.test.ts', 'auth/auth.test.ts', 'websocket/websocket.test.ts', 'perf/rest.test.ts', 'health/health.test.ts']);
  });

  it('with durations: longest first, a file without one before them, perf files still apart', async () => {
    const files = [
      { path: 'health/health.test.ts', size: 57, last: 200 },
      { path: 'perf/rest.test.ts', size: 50, last: 3000 },
      { path: 'contracts/contracts.test.ts', size: 300, last: 3100 },
      { path: 'perf/graphql.test.ts', size: 54, last: 3900 },
      { path: 'policy/policy.test.ts', size: 205 },
    ];
    expect(await order(files)).toEqual(['policy/policy.test.ts', 'perf/graphql.test.ts', 'contracts/contracts.test.ts', 'perf/rest.test.ts', 'health/health.test.ts']);
  });

  it('only perf files: all of them, in order', async () => {
    expect(await order([{ path: 'perf/rest.test.ts', size: 50 }, { path: 'perf/graphql.test.ts', size: 54 }])).toEqual(['perf/graphql.test.ts', 'perf/rest.test.ts']);
  });
});
