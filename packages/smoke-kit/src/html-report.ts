import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { causeOf, groupFailures, groupHeadline } from './causes.js';
import { factsHtml, readFacts, type Facts } from './facts.js';
import { DEPLOYED_CAPTION, DEPLOYED_COLUMNS, deployedCells, type DeployedService } from './deployed.js';
import type { SmokeResults } from './reporter.js';

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Images the suites left as evidence (e.g. render/*.png), relative to the report folder. */
function evidence(reportDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(png|zip)$/.test(e.name)) out.push(relative(reportDir, p));
    }
  };
  walk(reportDir);
  return out.sort();
}

/** The deployed-versions table; a flagged service's row is highlighted. */
function deployedTable(rows: readonly DeployedService[]): string {
  if (rows.length === 0) return '';
  const body = deployedCells(rows).map((cells, i) => `<tr class="${rows[i]!.flags.length ? 'flaky' : 'passed'}">${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
  return `<table class="deployed"><caption>${esc(DEPLOYED_CAPTION)}</caption><thead><tr>${DEPLOYED_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

/** Where the latency trend (charts, run-report.ts) goes; replaced after masking. */
export const TREND_SLOT = '<!--latency-trend-->';

/**
 * A self-contained HTML report (no external assets) for the on-call: the summary, every check with its
 * state, failures with their messages (already masked), facts, links to screenshots/traces, and the
 * latency trend in TREND_SLOT (its chart library inlined).
 */
export function htmlReport(
  reportDir: string,
  info: { target: string; runId: string; startedAt: string; durationMs: number; deployed?: string; deployedServices?: readonly DeployedService[]; facts?: Facts[] },
  results: SmokeResults,
): string {
  const ok = results.failed === 0;
  // A failure whose cause was already shown in full points at the group instead of repeating it.
  const shown = new Set<string>();
  const detailOf = (message: string) => {
    const cause = causeOf(message);
    if (shown.has(cause)) return `<small>same cause: ${esc(cause)}</small>`;
    shown.add(cause);
    return `<pre>${esc(message)}</pre>`;
  };
  const groups = groupFailures(results)
    .map((g) => `<details><summary>${esc(groupHeadline(g))}</summary><ul>${g.checks.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></details>`)
    .join('\n');
  const rows = results.suites
    .flatMap((suite) => [
      ...suite.errors.map((e) => `<tr class="failed"><td>${esc(suite.suite)}</td><td>${esc(suite.file)} could not run</td><td>failed</td><td>${detailOf(e.message)}</td></tr>`),
      ...suite.checks.map((c) => {
        const state = c.flaky ? 'flaky' : c.state;
        const detail = c.errors.map((e) => detailOf(e.message)).join('');
        return `<tr class="${state}"><td>${esc(suite.suite)}</td><td>${esc(c.fullName)}</td><td>${state}${c.durationMs ? ` <small>${c.durationMs} ms</small>` : ''}</td><td>${detail}</td></tr>`;
      }),
    ])
    .join('\n');
  const files = evidence(reportDir)
    .map((f) => (f.endsWith('.png') ? `<figure><a href="${esc(f)}"><img src="${esc(f)}" alt="${esc(f)}" width="320"></a><figcaption>${esc(f)}</figcaption></figure>` : `<p><a href="${esc(f)}">${esc(f)}</a> (Playwright trace)</p>`))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smoke ${esc(info.target)}: ${ok ? 'passed' : 'failed'}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;vertical-align:top;text-align:left}
tr.failed td{background:#fdecea}tr.flaky td{background:#fff4e5}tr.skipped td{color:#777}pre{white-space:pre-wrap;margin:0}figure{display:inline-block;margin:.5rem}</style></head>
<body><h1>smoke against ${esc(info.target)}: ${ok ? '✅ passed' : '❌ failed'}</h1>
${info.deployed ? `<p>Deployed: ${esc(info.deployed)}</p>` : ''}
${deployedTable(info.deployedServices ?? [])}
<p>${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped${results.flaky ? `, ${results.flaky} flaky` : ''} · run ${esc(info.runId)} · started ${esc(info.startedAt)} · ${(info.durationMs / 1000).toFixed(1)} s</p>
${results.unhandledErrors.map((e) => `<p class="failed"><pre>${esc(e.message)}</pre></p>`).join('\n')}
${groups ? `<h2>Failures by cause</h2>\n${groups}` : ''}
<table><thead><tr><th>suite</th><th>check</th><th>state</th><th>details</th></tr></thead><tbody>
${rows}
</tbody></table>
${factsHtml(info.facts ?? readFacts(reportDir), esc)}
${TREND_SLOT}
${files ? `<h2>Evidence</h2>\n${files}` : ''}
</body></html>
`;
}
