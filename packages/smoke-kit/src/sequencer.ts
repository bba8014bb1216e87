import { relative } from 'node:path';

type VitestNode = typeof import('vitest/node');

/**
 * Test files longest first, so the run does not end waiting on one long file that started late: by the
 * duration vitest recorded for each last time (its cache); files without one first, the perf suite's ahead
 * of the others (its checks load the target for seconds by design), then larger files. Perf files are not
 * queued side by side (after one, `workers - 1` other files first): each measures latency on the target,
 * and the other's full load would be in its numbers. Unlike vitest's default, a file that
 * failed last time gets no head start: every check of a smoke run runs anyway.
 */
// The declared return type keeps the class's protected members out of the emitted declarations (tsup --dts).
export function longestFirst(BaseSequencer: VitestNode['BaseSequencer'], workers: number): VitestNode['BaseSequencer'] {
  return class LongestFirst extends BaseSequencer {
    override async sort(files: Parameters<InstanceType<VitestNode['BaseSequencer']>['sort']>[0]) {
      const { cache, config } = this.ctx;
      const known = (f: (typeof files)[number]) => {
        const key = `${f.project.name}:${relative(config.root, f.moduleId)}`;
        return { last: cache.getFileTestResults(key)?.duration, size: cache.getFileStats(key)?.size ?? 0, perf: /(^|[\\/])perf[\\/]/.test(relative(config.root, f.moduleId)) };
      };
      const sorted = files
        .map((f) => ({ f, k: known(f) }))
        .sort(({ k: a }, { k: b }) => {
          if ((a.last === undefined) !== (b.last === undefined)) return a.last === undefined ? -1 : 1;
          if (a.last !== undefined && b.last !== undefined) return b.last - a.last;
          if (a.perf !== b.perf) return a.perf ? -1 : 1;
          return b.size - a.size;
        });
      const order: typeof sorted = [];
      const deferred: typeof sorted = [];
      const perfMayStart = () => order.length >= order.findLastIndex((e) => e.k.perf) + workers || !order.some((e) => e.k.perf);
      for (const entry of sorted) {
        if (entry.k.perf) deferred.push(entry);
        else order.push(entry);
        while (deferred.length > 0 && perfMayStart()) order.push(deferred.shift()!);
      }
      return [...order, ...deferred].map(({ f }) => f);
    }
  };
}
