import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { clearRecords, recordFiles, writeRecord } from './report-files.js';

/**
 * Facts a suite measured on the target (e.g. queue depths), attached to the run summary: a suite calls
 * `recordFacts()`, which writes `<report dir>/facts/<name>.json`; the runner renders every such file in the
 * console, Markdown, HTML and `results.json`, labelled as measured on the target (not checks).
 */
export interface Facts {
  /** What was measured, e.g. `events: work queues`. */
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** One line each, under the table (how it was measured, thresholds). */
  notes?: string[];
}

export const factsDir = (reportDir: string) => join(reportDir, 'facts');

/** Records facts for the summary (no-op outside the runner, which sets CLEANAPP_REPORT_DIR). */
export function recordFacts(name: string, facts: Facts, reportDir = process.env.CLEANAPP_REPORT_DIR): void {
  if (reportDir) writeRecord(factsDir(reportDir), name, facts);
}

/** Removes the facts of an earlier run in the same report dir, so a summary shows only this run's. */
export const clearFacts = (reportDir: string) => clearRecords(factsDir(reportDir));

/** Every facts file of the run, by name; an unreadable file becomes a one-line note instead of failing the summary. */
export function readFacts(reportDir: string): Facts[] {
  return recordFiles(factsDir(reportDir)).map((file) => {
    try {
      const facts = JSON.parse(readFileSync(file, 'utf8')) as Facts;
      if (!Array.isArray(facts.columns) || !Array.isArray(facts.rows)) throw new Error('no columns/rows');
      return facts;
    } catch (error) {
      return { title: basename(file), columns: [], rows: [], notes: [`unreadable facts file: ${(error as Error).message}`] };
    }
  });
}

const LABEL = 'measured on the target';
const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '–' : String(v));

export function factsConsole(all: Facts[]): string[] {
  return all.flatMap((f) => {
    const widths = f.columns.map((c, i) => Math.max(c.length, ...f.rows.map((r) => cell(r[i]).length)));
    const line = (r: (string | number | null)[]) => `   ${f.columns.map((_, i) => cell(r[i]).padEnd(widths[i]!)).join('  ')}`.trimEnd();
    return [`smoke: ${f.title} (${LABEL})`, ...(f.columns.length ? [line(f.columns), ...f.rows.map(line)] : []), ...(f.notes ?? []).map((n) => `   ${n}`)];
  });
}

export function factsMarkdown(all: Facts[]): string[] {
  const row = (r: (string | number | null)[]) => `| ${r.map((v) => cell(v).replace(/\|/g, '\\|')).join(' | ')} |`;
  return all.flatMap((f) => [
    `#### ${f.title} (${LABEL})`,
    '',
    ...(f.columns.length ? [row(f.columns), `|${f.columns.map(() => '---').join('|')}|`, ...f.rows.map(row), ''] : []),
    ...(f.notes ?? []).map((n) => `${n}  `),
    '',
  ]);
}

export function factsHtml(all: Facts[], esc: (s: string) => string): string {
  return all
    .map(
      (f) =>
        `<h2>${esc(f.title)} <small>(${LABEL})</small></h2>\n` +
        (f.columns.length ? `<table class="facts"><thead><tr>${f.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${f.rows.map((r) => `<tr>${f.columns.map((_, i) => `<td>${esc(cell(r[i]))}</td>`).join('')}</tr>`).join('')}</tbody></table>\n` : '') +
        (f.notes ?? []).map((n) => `<p><small>${esc(n)}</small></p>`).join('\n'),
    )
    .join('\n');
}
