import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployedMarkdown, deployedText, flagVersions, type Deployed } from './deployed.js';
import { htmlReport } from './html-report.js';
import type { SmokeResults } from './reporter.js';
import { markdownSummary } from './runner.js';
import { targetServices } from './services.js';
import { parseTarget } from './target.js';

const at = (port: number) => ({ baseUrl: `http://127.0.0.1:${port}` });
const target = parseTarget({ name: 's', rest: at(1), services: { api: at(1), analyzer: at(2), renderer: at(3) } }, { env: {} });
const v = (service: string, git_sha = 'aaaa111', extra: Partial<Deployed> = {}): Deployed => ({ service, version: '1.0.0', git_sha, build_time: '2026-12-01T00:00:00Z', auth_required: true, ...extra });
const flagsOf = (reported: (Deployed | undefined)[], t = target, environment?: string) =>
  flagVersions(targetServices(t), reported, { ...(environment ? { environment } : {}) }).map((r) => `${r.name}: ${r.flags.join('; ') || 'ok'}`);

describe('the deployed-versions table', () => {
  it('flags the service whose git sha differs from the others, and one that did not answer', () => {
    expect(flagsOf([v('cleanapp-api'), v('analyzer', 'bbbb222'), v('renderer')])).toEqual(['api: ok', "analyzer: git sha differs from the others' (aaaa111)", 'renderer: ok']);
    expect(flagsOf([v('cleanapp-api'), v('analyzer'), undefined])).toEqual(['api: ok', 'analyzer: ok', 'renderer: GET /version did not answer']);
    expect(flagsOf([v('cleanapp-api'), v('analyzer', 'bbbb222'), v('renderer', 'cccc333')])).toEqual([
      'api: git shas disagree between services',
      'analyzer: git shas disagree between services',
      'renderer: git shas disagree between services',
    ]);
  });

  it('flags pins not met (target-wide and per service) and auth off, as a gate failure only in production', () => {
    const pinned = parseTarget({ name: 's', rest: at(1), expectSha: 'aaaa111ffff', services: { api: at(1), analyzer: { ...at(2), expectVersion: '2.0.0' } } }, { env: {} });
    expect(flagsOf([v('cleanapp-api'), v('analyzer', 'aaaa111', { auth_required: false })], pinned, 'staging')).toEqual([
      'api: ok',
      'analyzer: version 1.0.0, expected 2.0.0; accepts requests without a token',
    ]);
    expect(flagsOf([v('cleanapp-api', 'dddd444', { auth_required: false }), v('analyzer', 'dddd444', { version: '2.0.0' })], pinned, 'production')).toEqual([
      'api: git sha dddd444, expected aaaa111ffff; accepts requests without a token (production: fails the gate)',
      'analyzer: git sha dddd444, expected aaaa111ffff',
    ]);
  });

  it('renders the same rows, labelled as the target\'s claim, in console text, Markdown and HTML', () => {
    const rows = flagVersions(targetServices(target), [v('cleanapp-api'), v('analyzer', 'bbbb222'), v('renderer')], {});
    const text = deployedText(rows);
    expect(text[0]).toBe('Deployed versions, as reported by the target:');
    expect(text[2]).toMatch(/^ {2}api {7}cleanapp-api {2}1\.0\.0 {4}aaaa111 {2}2026-12-01T00:00:00Z {2}ok$/);
    expect(text[3]).toContain("⚠ git sha differs from the others' (aaaa111)");
    const md = deployedMarkdown(rows);
    expect(md).toContain('| service | reports as | version | git sha | built | flags |');
    expect(md).toContain("| analyzer | analyzer | 1.0.0 | bbbb222 | 2026-12-01T00:00:00Z | ⚠ git sha differs from the others' (aaaa111) |");
    const results: SmokeResults = { passed: 1, failed: 0, skipped: 0, flaky: 0, suites: [], unhandledErrors: [], reason: 'passed' };
    expect(markdownSummary('s', results, 1, undefined, rows)).toContain(md.join('\n'));
    const html = htmlReport(mkdtempSync(join(tmpdir(), 'deployed-')), { target: 's', runId: 'r', startedAt: 't', durationMs: 1, deployedServices: rows }, results);
    expect(html).toContain('<caption>Deployed versions, as reported by the target</caption>');
    expect(html).toContain('<tr class="flaky"><td>analyzer</td><td>analyzer</td><td>1.0.0</td><td>bbbb222</td>');
    expect(html).toContain('<tr class="passed"><td>renderer</td>');
  });
});
