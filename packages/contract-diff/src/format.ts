// Output renderers. JSON is the stable format (README, Output); the others are views of the same data.
import type { Change, DiffResult, Level } from './types.js';

export type Format = 'text' | 'json' | 'markdown' | 'github' | 'junit';
export const FORMATS: readonly Format[] = ['text', 'json', 'markdown', 'github', 'junit'];

const LABEL: Record<Level, string> = { breaking: 'BREAKING', warning: 'WARNING', info: 'INFO' };

export function formatResult(result: DiffResult, format: Format, title = 'contract-diff'): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ changes: result.changes, summary: result.summary, ...(result.judge ? { judge: result.judge } : {}) }, null, 2) + '\n';
    case 'text':
      return text(result);
    case 'markdown':
      return markdown(result, title);
    case 'github':
      return github(result);
    case 'junit':
      return junit(result, title);
  }
}

function summaryLine(r: DiffResult): string {
  const s = r.summary;
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
}

/** Which judgement the levels follow (judge.ts); results of a plain diff always name it. */
function judgement(r: DiffResult): string {
  if (!r.judge) return '';
  return r.judge === 'clients' ? 'judgement: clients (code built on the old generated clients)' : "judgement: wire (oasdiff's view of the exchange)";
}

function text(r: DiffResult): string {
  if (r.changes.length === 0) return `No changes (${r.kind}).\n`;
  const lines = r.changes.map((c) => `${LABEL[c.level].padEnd(8)} ${c.id}\n         ${c.location}\n         ${c.message}`);
  return `${lines.join('\n')}\n\n${summaryLine(r)} (${r.kind})\n${r.judge ? `${judgement(r)}\n` : ''}`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdown(r: DiffResult, title: string): string {
  const out = [`### ${title}: ${summaryLine(r)}`, '', ...(r.judge ? [`_${judgement(r)}_`, ''] : [])];
  if (r.changes.length === 0) return out.concat('No changes.', '').join('\n');
  out.push('| level | rule | where | what |', '|---|---|---|---|');
  for (const c of r.changes) out.push(`| ${LABEL[c.level]} | \`${c.id}\` | ${mdEscape(c.location)} | ${mdEscape(c.message)} |`);
  return out.join('\n') + '\n';
}

/** GitHub workflow commands: annotations on the run (file/line are unknown for most findings). */
function github(r: DiffResult): string {
  const esc = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string): string => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const cmd: Record<Level, string> = { breaking: 'error', warning: 'warning', info: 'notice' };
  const lines = r.changes.map((c) => `::${cmd[c.level]} title=${escProp(`${c.id} (${c.location})`)}::${esc(c.message)}`);
  lines.push(`contract-diff: ${summaryLine(r)}${r.judge ? ` (${judgement(r)})` : ''}`);
  return lines.join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One testcase per finding: breaking ones fail, the rest pass with the message as output. */
function junit(r: DiffResult, title: string): string {
  const cases = r.changes.map((c: Change) => {
    const name = xml(`${c.id} ${c.location}`);
    const body = c.level === 'breaking' ? `<failure type="${xml(c.id)}" message="${xml(c.message)}"/>` : `<system-out>${xml(`${LABEL[c.level]}: ${c.message}`)}</system-out>`;
    return `    <testcase classname="${xml(title)}.${xml(c.kind)}" name="${name}">${body}</testcase>`;
  });
  if (cases.length === 0) cases.push(`    <testcase classname="${xml(title)}" name="no changes"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(title)}" tests="${Math.max(1, r.changes.length)}" failures="${r.summary.breaking}">`,
    `  <testsuite name="${xml(title)}" tests="${Math.max(1, r.changes.length)}" failures="${r.summary.breaking}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
