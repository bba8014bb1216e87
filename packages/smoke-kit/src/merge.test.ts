import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from './cli.js';
import { readHistory, TREND_DATA_ID } from './history.js';
import { MergeError, mergeReports } from './merge.js';
import type { RunReport } from './run-report.js';
import { runSmoke } from './runner.js';
import { startFakeTarget, type FakeTarget } from './testing/fake-target.js';

// Two real shards of a run (the runner with --shard 1/2 and 2/2 over a fixture suite of two perf-like
// files that record latency and facts), then merged: what the canary's matrix and merge job do.
const fixtures = fileURLToPath(new URL('../test-fixtures/latency-suites/', import.meta.url));

describe('shards and merge', () => {
  let fake: FakeTarget;
  let work: string;
  const shardDirs: string[] = [];
  const shardResults: RunReport[] = [];

  beforeAll(async () => {
    fake = await startFakeTarget();
    work = mkdtempSync(join(tmpdir(), 'smoke-merge-'));
    for (const shard of ['1/2', '2/2']) {
      const reportDir = join(work, `shard-${shard[0]}`);
      const summary = await runSmoke({ target: fake.target, suites: ['lat'], suitesDir: fixtures, reportDir, runId: `run-${shard[0]}`, shard, maxWorkers: 1, write: () => undefined });
      expect(summary.exitCode).toBe(0);
      shardDirs.push(reportDir);
      shardResults.push(JSON.parse(readFileSync(summary.resultsFile, 'utf8')) as RunReport);
    }
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('each shard ran one of the two files, recorded its shard and latency in results.json and JUnit', () => {
    expect(shardResults.map((r) => r.shard)).toEqual(['1/2', '2/2']);
    expect(shardResults.map((r) => r.summary.passed)).toEqual([1, 1]);
    const ids = shardResults.map((r) => r.latency.flatMap((l) => l.results.map((x) => x.id)));
    expect(ids.flat().sort()).toEqual(['graphql-op', 'rest-op']);
    expect(ids.every((i) => i.length === 1)).toBe(true);
    expect(shardResults.every((r) => r.latency.every((l) => l.shard === r.shard))).toBe(true);
    const junit = readFileSync(join(shardDirs[0]!, 'junit.xml'), 'utf8');
    const id = ids[0]![0]!;
    expect(junit).toContain(`<property name="latency.${id}.p95Ms" value="20"/>`);
    expect(junit).toContain(`<property name="latency.${id}.errorRate" value="0"/>`);
    expect(junit).toMatch(/<system-out>[^<]*p50 10 ms, p95 20 ms, p99 21 ms, errors 0\/10 \(0\.00 %\), pass/);
  });

  test('merge: one results.json, junit.xml, report.html and summary.md with every check, fact and latency result', () => {
    const out = join(work, 'merged');
    const history = join(work, 'history.jsonl');
    const { exitCode, report } = mergeReports({ reportDir: out, dirs: shardDirs, history });
    expect(exitCode).toBe(0);
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunReport;
    expect(merged.summary).toMatchObject({ passed: 2, failed: 0, exitCode: 0 });
    expect(merged.results).toHaveLength(2);
    expect(merged.facts.map((f) => f.title).sort()).toEqual(['perf: graphql', 'perf: rest']);
    expect(merged.latency.flatMap((l) => l.results.map((r) => r.id)).sort()).toEqual(['graphql-op', 'rest-op']);
    expect(merged.merged?.map((m) => m.shard)).toEqual(['1/2', '2/2']);
    expect(report.runId).toBe('run-1+run-2');
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="smoke [^"]+" tests="2" failures="0"/);
    expect(junit.match(/<testsuite name="latency/g)).toHaveLength(1);
    expect(junit).toContain('name="latency.rest-op.p99Ms" value="21"');
    expect(junit).toContain('name="latency.graphql-op.p99Ms" value="21"');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/merged: 1\/2, 2\/2\): passed[\s\S]*perf: rest/);
    const { entries } = readHistory(history);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.shards).toEqual(['1/2', '2/2']);
    expect(entries[0]!.results.map((r) => r.id).sort()).toEqual(['graphql-op', 'rest-op']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const data = JSON.parse(new RegExp(`<script id="${TREND_DATA_ID}" type="application/json">(.*?)</script>`).exec(html)![1]!) as { budgets: { id: string }[] };
    expect(data.budgets.map((b) => b.id)).toEqual(['graphql-op', 'rest-op']);
  });

  test('merge exits 1 when a shard had a failed check, 2 naming a missing or corrupt results.json', async () => {
    const failing = join(work, 'failing');
    cpSync(shardDirs[1]!, failing, { recursive: true });
    const file = join(failing, 'results.json');
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
    writeFileSync(file, JSON.stringify({ ...r, summary: { ...r.summary, passed: 0, failed: 1, exitCode: 1 } }));
    expect(await main(['merge', '--report-dir', join(work, 'm1'), shardDirs[0]!, failing])).toBe(1);

    expect(await main(['merge', '--report-dir', join(work, 'm2'), shardDirs[0]!, join(work, 'nowhere')])).toBe(2);
    expect(() => mergeReports({ reportDir: join(work, 'm2'), dirs: [join(work, 'nowhere')] })).toThrow(new MergeError(`${join(work, 'nowhere', 'results.json')}: missing (is ${join(work, 'nowhere')} a smoke report dir?)`));
    writeFileSync(file, '{"truncated": ');
    expect(() => mergeReports({ reportDir: join(work, 'm3'), dirs: [shardDirs[0]!, failing] })).toThrow(`${file}: not valid JSON`);
  });

  test('--shard is validated before anything starts', async () => {
    for (const bad of ['0/2', '3/2', '2', 'a/b']) expect(await main(['--target', fake.targetFile, '--shard', bad])).toBe(2);
  });
});

describe('more shards than test files', () => {
  test('an empty shard passes with a note, the merge counts the others; all empty fails', async () => {
    const fake = await startFakeTarget();
    const work = mkdtempSync(join(tmpdir(), 'smoke-shard3-'));
    try {
      const lines: string[] = [];
      const dirs: string[] = [];
      for (const shard of ['1/3', '2/3', '3/3']) {
        const reportDir = join(work, shard.replace('/', '-'));
        const summary = await runSmoke({ target: fake.target, suites: ['lat'], suitesDir: fixtures, reportDir, runId: `r${shard[0]}`, shard, maxWorkers: 1, write: (l) => lines.push(l) });
        expect(summary.exitCode).toBe(0);
        dirs.push(reportDir);
      }
      expect(lines).toContain('smoke: shard 3/3 got no test file of suites lat (more shards than files); the merge counts the others');
      expect(mergeReports({ reportDir: join(work, 'all'), dirs }).report.summary).toMatchObject({ passed: 2, failed: 0, exitCode: 0 });
      const empty = mergeReports({ reportDir: join(work, 'empty'), dirs: [dirs[2]!] });
      expect(empty.exitCode).toBe(1);
      expect(empty.report.unhandledErrors[0]!.message).toMatch(/^no checks in any of the 1 shards/);
    } finally {
      await fake.stop();
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
