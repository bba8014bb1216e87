import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearFacts, factsConsole, factsDir, factsMarkdown, readFacts, recordFacts } from './facts.js';
import { htmlReport } from './html-report.js';
import type { SmokeResults } from './reporter.js';

const queues = { title: 'events: work queues', columns: ['queue', 'depth'], rows: [['report-analysis-queue', 3], ['a|b', null]], notes: ['peeked <DLQ>'] };

describe('facts a suite measured, in the summary', () => {
  it('round-trips through the report dir and renders in every format, labelled as measured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facts-'));
    recordFacts('events', queues, dir);
    writeFileSync(join(factsDir(dir), 'broken.json'), '{');
    const all = readFacts(dir);
    expect(all.map((f) => f.title)).toEqual(['broken.json', 'events: work queues']);
    expect(all[0]!.notes![0]).toMatch(/unreadable facts file/);
    expect(factsConsole(all)).toContain('   report-analysis-queue  3');
    expect(factsConsole(all)).toContain('smoke: events: work queues (measured on the target)');
    expect(factsMarkdown(all)).toEqual(expect.arrayContaining(['| queue | depth |', '| a\\|b | – |']));
    const html = htmlReport(dir, { target: 't', runId: 'r', startedAt: 'now', durationMs: 1 }, { passed: 0, failed: 0, skipped: 0, flaky: 0, suites: [], unhandledErrors: [], reason: 'passed' } as SmokeResults);
    expect(html).toContain('<td>report-analysis-queue</td><td>3</td>');
    expect(html).toContain('peeked &lt;DLQ&gt;');
    clearFacts(dir);
    expect(readFacts(dir)).toEqual([]);
  });

  it('is a no-op outside the runner', () => {
    expect(() => recordFacts('x', queues, undefined)).not.toThrow();
  });
});
