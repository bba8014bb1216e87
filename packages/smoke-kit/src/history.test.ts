import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { esc } from './html-report.js';
import { appendHistory, chartLibrary, readHistory, TREND_DATA_ID, trendHtml, type HistoryEntry } from './history.js';
import type { LatencyResult } from './latency.js';

const dir = mkdtempSync(join(tmpdir(), 'smoke-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = (id: string, p95Ms: number, extra: Partial<LatencyResult> = {}): LatencyResult => ({
  id,
  kind: 'rest',
  request: `GET /${id}`,
  requests: 100,
  errors: 0,
  errorRate: 0,
  p50Ms: p95Ms / 2,
  p95Ms,
  p99Ms: p95Ms * 1.5,
  budget: { p95Ms: 100, source: 'contract' },
  verdict: p95Ms <= 100 ? 'pass' : 'fail',
  violations: [],
  ...extra,
});
const entry = (runId: string, at: string, results: LatencyResult[]): HistoryEntry => ({ runId, target: 'staging', at, exitCode: 0, results });

describe('latency history', () => {
  test('append then read back every run in order', () => {
    const file = join(dir, 'a', 'history.jsonl');
    appendHistory(file, entry('r1', '2026-12-01T03:23:00Z', [result('getHealth', 40)]));
    appendHistory(file, entry('r2', '2026-12-02T03:23:00Z', [result('getHealth', 55)]));
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const { entries, notes } = readHistory(file);
    expect(entries.map((e) => e.runId)).toEqual(['r1', 'r2']);
    expect(notes).toEqual([]);
  });

  test('a bad line is skipped with a note naming file and line; the other runs stay', () => {
    const file = join(dir, 'bad.jsonl');
    appendHistory(file, entry('r1', '2026-12-01T03:23:00Z', [result('getHealth', 40)]));
    appendFileSync(file, '{"runId": "cut off\n{"runId":"r-no-results","at":"x"}\n');
    appendHistory(file, entry('r3', '2026-12-03T03:23:00Z', [result('getHealth', 60)]));
    const { entries, notes } = readHistory(file);
    expect(entries.map((e) => e.runId)).toEqual(['r1', 'r3']);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: skipped, `));
    expect(notes[1]).toBe(`${file}:3: skipped, not a history entry (needs runId, at and a results array)`);
    expect(readHistory(join(dir, 'none.jsonl'))).toEqual({ entries: [], notes: [] });
  });

  test('a file cut off mid-line keeps the next run on a line of its own', () => {
    const file = join(dir, 'cut.jsonl');
    appendHistory(file, entry('r1', '2026-12-01T03:23:00Z', [result('getHealth', 40)]));
    appendFileSync(file, '{"runId":"r2","at":"2026-12-0');
    appendHistory(file, entry('r3', '2026-12-03T03:23:00Z', [result('getHealth', 60)]));
    const { entries, notes } = readHistory(file);
    expect(entries.map((e) => e.runId)).toEqual(['r1', 'r3']);
    expect(notes).toEqual([expect.stringMatching(/cut\.jsonl:2: skipped, /)]);
  });

  test('the trend: Chart.js inlined, one chart per budget id with every run as a point and the p95 limit', () => {
    const history = {
      entries: [
        entry('r2', '2026-12-02T03:23:00Z', [result('getHealth', 55), result('getStats', 90, { budget: { overheadMs: 50, source: 'contract' }, baseline: { id: 'getHealth', p95Ms: 55 } })]),
        entry('r1', '2026-12-01T03:23:00Z', [result('getHealth', 40), result('graphql', 12)]),
      ],
      notes: ['h.jsonl:7: skipped, not valid JSON'],
    };
    const html = trendHtml(history, 'h.jsonl', esc);
    expect(html).toContain(chartLibrary());
    expect(chartLibrary()).toMatch(/Chart\.js v4\.6\.1/);
    expect(html.match(/<canvas data-budget=/g)).toHaveLength(3);
    expect(html).toContain('h.jsonl:7: skipped, not valid JSON');
    const json = new RegExp(`<script id="${TREND_DATA_ID}" type="application/json">(.*?)</script>`).exec(html)![1]!;
    const data = JSON.parse(json) as { budgets: { id: string; points: { runId: string; p50Ms: number; p95Ms: number; p99Ms: number; limitMs: number | null }[] }[] };
    expect(data.budgets.map((b) => b.id)).toEqual(['getHealth', 'getStats', 'graphql']);
    const health = data.budgets[0]!.points;
    expect(health.map((p) => [p.runId, p.p50Ms, p.p95Ms, p.p99Ms, p.limitMs])).toEqual([
      ['r1', 20, 40, 60, 100],
      ['r2', 27.5, 55, 82.5, 100],
    ]);
    // An overhead budget's limit is the baseline's p95 plus the overhead.
    expect(data.budgets[1]!.points[0]!.limitMs).toBe(105);
  });

  test('no latency results yet: says so instead of drawing empty charts', () => {
    expect(trendHtml({ entries: [], notes: [] }, 'h.jsonl', esc, '')).toContain('No latency results in h.jsonl yet.');
  });
});
