import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlReport } from './html-report.js';
import type { SmokeResults } from './reporter.js';

const results: SmokeResults = {
  passed: 2,
  failed: 1,
  skipped: 0,
  flaky: 1,
  reason: 'passed',
  unhandledErrors: [],
  suites: [
    {
      suite: 'ingest',
      file: 'ingest/ingest.test.ts',
      state: 'fail',
      durationMs: 10,
      errors: [],
      checks: [
        { name: 'a', fullName: 'ingest > 202 <receipt>', state: 'failed', durationMs: 5, errors: [{ name: 'ContractError', message: 'expected 202, got 500 <script>x</script>' }] },
        { name: 'b', fullName: 'ingest > replay', state: 'passed', durationMs: 3, errors: [], flaky: true },
        { name: 'c', fullName: 'ingest > 409', state: 'passed', durationMs: 3, errors: [] },
      ],
    },
  ],
} as unknown as SmokeResults;

describe('htmlReport', () => {
  it('lists every check with its state, escapes messages and links the evidence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'html-report-'));
    mkdirSync(join(dir, 'render'));
    writeFileSync(join(dir, 'render', 'rpt_x.png'), '');
    const html = htmlReport(dir, { target: 'staging', runId: 'r1', startedAt: '2026-11-22T10:00:00Z', durationMs: 1500 }, results);
    expect(html).toContain('smoke against staging: ❌ failed');
    expect(html).toContain('2 passed, 1 failed, 0 skipped, 1 flaky');
    expect(html).toContain('<tr class="failed"><td>ingest</td><td>ingest &gt; 202 &lt;receipt&gt;</td>');
    expect(html).toContain('got 500 &lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<tr class="flaky">');
    expect(html).toContain('<img src="render/rpt_x.png"');
  });

  it('folds failures with one cause: one group headline, the message in full only once', () => {
    const echo = (op: string) => ({ name: op, fullName: `health > ${op}`, state: 'failed', durationMs: 1, errors: [{ name: 'ContractError', message: `${op} (GET http://m/${op}) does not match the contract:\n  - X-Request-ID not echoed: sent "a-${op}", got "b"` }] });
    const many = { ...results, failed: 3, suites: [{ ...results.suites[0]!, suite: 'health', checks: [echo('getHealth'), echo('getVersion'), echo('getReport')] }] } as unknown as SmokeResults;
    const html = htmlReport(mkdtempSync(join(tmpdir(), 'html-report-')), { target: 't', runId: 'r', startedAt: 's', durationMs: 1 }, many);
    expect(html).toContain('<summary>3 checks: X-Request-ID not echoed</summary>');
    expect(html.match(/does not match the contract/g)).toHaveLength(1);
    expect(html.match(/<small>same cause: X-Request-ID not echoed<\/small>/g)).toHaveLength(2);
  });
});

describe('the deployed-version line', () => {
  it('names service, version, git sha and build time as the target\'s claim, or says /version did not answer', async () => {
    const { describeDeployed } = await import('./runner.js');
    expect(describeDeployed({ service: 'cleanapp-api', version: '4.1.0', git_sha: 'abc123def456', build_time: '2026-11-22T10:00:00Z' })).toBe(
      "cleanapp-api 4.1.0 (git abc123def456, built 2026-11-22T10:00:00Z) — as reported by the target's GET /version",
    );
    expect(describeDeployed(undefined)).toBe('unknown (GET /version did not answer)');
    const html = htmlReport(mkdtempSync(join(tmpdir(), 'html-report-')), { target: 't', runId: 'r', startedAt: 's', durationMs: 1, deployed: 'cleanapp-api 4.1.0 (git x, built y)' }, { ...results, suites: [] });
    expect(html).toContain('<p>Deployed: cleanapp-api 4.1.0 (git x, built y)</p>');
  });
});
