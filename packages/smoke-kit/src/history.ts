import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LatencyResult } from './latency.js';

/**
 * The canary's latency history: one JSON line per run (`--history <file>`), uploaded as an artifact and
 * read back by the next run, so report.html can draw the trend per budget id from every run so far.
 */
export interface HistoryEntry {
  runId: string;
  target: string;
  environment?: string;
  /** ISO start time of the run. */
  at: string;
  /** What the target said it runs (GET /version), when it answered. */
  deployed?: { service: string; version: string; gitSha: string };
  /** The shards merged into this run (`i/n`), when it was sharded. */
  shards?: string[];
  exitCode: number;
  results: LatencyResult[];
}

export interface History {
  entries: HistoryEntry[];
  /** One note per skipped line: `<file>:<line>: <why>`. */
  notes: string[];
}

/** Appends one run as a JSON line (creates the file and its folder). */
export function appendHistory(file: string, entry: HistoryEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  // A file cut off mid-line (an interrupted upload) must not swallow this run into its broken last line.
  const cut = existsSync(file) && statSync(file).size > 0 && !readFileSync(file, 'utf8').endsWith('\n');
  appendFileSync(file, `${cut ? '\n' : ''}${JSON.stringify(entry)}\n`);
}

/** Every readable run of the history; a bad line is skipped with a note naming file and line, never the whole file. */
export function readHistory(file: string): History {
  if (!existsSync(file)) return { entries: [], notes: [] };
  const entries: HistoryEntry[] = [];
  const notes: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const entry = JSON.parse(line) as HistoryEntry;
        if (typeof entry !== 'object' || entry === null || typeof entry.runId !== 'string' || typeof entry.at !== 'string' || !Array.isArray(entry.results)) {
          throw new Error('not a history entry (needs runId, at and a results array)');
        }
        entries.push(entry);
      } catch (error) {
        notes.push(`${file}:${i + 1}: skipped, ${(error as Error).message}`);
      }
    });
  return { entries, notes };
}

export interface TrendPoint {
  runId: string;
  at: string;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  /** The p95 limit that applied in that run: the budget's p95Ms, or baseline p95 + overheadMs. */
  limitMs: number | null;
}

/** The points of one budget id across the history, oldest first. */
export function trendSeries(entries: readonly HistoryEntry[]): Map<string, TrendPoint[]> {
  const series = new Map<string, TrendPoint[]>();
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at));
  for (const entry of sorted) {
    for (const r of entry.results) {
      const limitMs = r.budget?.p95Ms ?? (r.budget?.overheadMs !== undefined && r.baseline ? Math.round((r.baseline.p95Ms + r.budget.overheadMs) * 10) / 10 : null);
      const points = series.get(r.id) ?? [];
      points.push({ runId: entry.runId, at: entry.at, p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms, errorRate: r.errorRate, limitMs });
      series.set(r.id, points);
    }
  }
  return new Map([...series].sort(([a], [b]) => a.localeCompare(b)));
}

/** Chart.js's UMD build, read from node_modules when the report is written, so the HTML renders offline. */
export function chartLibrary(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

export const TREND_DATA_ID = 'latency-trend-data';

// `</script>` inside inlined text would end the script element early.
const inline = (text: string) => text.replace(/<\/(script)/gi, '<\\/$1');

/** The trend section of report.html: one line chart per budget id (p50/p95/p99 per run and the p95 limit). */
export function trendHtml(history: History, historyFile: string, esc: (s: string) => string, library = chartLibrary()): string {
  const series = trendSeries(history.entries);
  const notes = history.notes.map((n) => `<p class="failed"><small>${esc(n)}</small></p>`).join('\n');
  if (series.size === 0) return `<h2>Latency trend</h2>\n<p>No latency results in ${esc(historyFile)} yet.</p>\n${notes}`;
  const data = { file: historyFile, runs: history.entries.length, budgets: [...series].map(([id, points]) => ({ id, points })) };
  const canvases = [...series.keys()].map((id) => `<figure class="trend"><canvas data-budget="${esc(id)}" width="640" height="260"></canvas><figcaption>${esc(id)}</figcaption></figure>`).join('\n');
  return `<h2>Latency trend <small>(${history.entries.length} runs from ${esc(historyFile)})</small></h2>
${notes}
${canvases}
<script id="${TREND_DATA_ID}" type="application/json">${inline(JSON.stringify(data))}</script>
<script>${inline(library)}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('${TREND_DATA_ID}').textContent);
  data.budgets.forEach(function (b) {
    var canvas = document.querySelector('canvas[data-budget="' + b.id.replace(/"/g, '\\\\"') + '"]');
    var labels = b.points.map(function (p) { return p.at.slice(0, 16).replace('T', ' '); });
    var line = function (label, key, color, dash) {
      return { label: label, data: b.points.map(function (p) { return p[key]; }), borderColor: color, backgroundColor: color, borderDash: dash || [], spanGaps: true, pointRadius: dash ? 0 : 3 };
    };
    new Chart(canvas, {
      type: 'line',
      data: { labels: labels, datasets: [line('p50 ms', 'p50Ms', '#2e7d32'), line('p95 ms', 'p95Ms', '#1565c0'), line('p99 ms', 'p99Ms', '#6a1b9a'), line('p95 limit ms', 'limitMs', '#c62828', [6, 4])] },
      options: { animation: false, responsive: false, plugins: { title: { display: true, text: b.id } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
    });
  });
})();
</script>`;
}
