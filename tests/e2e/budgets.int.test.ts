import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaults, startStack } from '@cleanapp/reference-stack';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

describe('time budgets from the target', () => {
  it('a check that runs out of budgets.pipelineMs says how long it waited, which budget and what it saw', async () => {
    // The analyzer consumes but never publishes report.analysed: the analyze suite waits its whole budget.
    const stack = await startStack({ faults: parseFaults('analyzer-silent') });
    try {
      const targetFile = join(mkdtempSync(join(tmpdir(), 'budgets-')), 'target.json');
      writeFileSync(targetFile, JSON.stringify({ ...stack.target, budgets: { pipelineMs: 1500 } }), { mode: 0o600 });
      const r = await run('pnpm', ['smoke', '--target', targetFile, '--suite', 'analyze', '--report-dir', join(tmpdir(), 'smoke-budgets')]);
      const out = r.stdout + r.stderr;
      expect(r.code, out.slice(-3000)).toBe(1);
      expect(out).toMatch(/report\.analysed for rpt_\w+ on the tap: not within 1500 ms \(waited 1[5-9]\d\d ms, budgets\.pipelineMs of the target\); last seen: /);
    } finally {
      await stack.stop();
    }
  });
});
