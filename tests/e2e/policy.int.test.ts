import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDecisionTable, policyRevision } from '@cleanapp/contracts';
import { parseFaults, startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeAgainstStack, smokeSuites, type RunResult } from './run.js';

// The policy suite passes against the reference stack and fails against its two policy faults
// (packages/reference-stack/src/faults.ts): a permissive policy under the canonical revision, and a
// stale policy reporting its own older revision.

const policySmoke = (targetFile: string) => smokeSuites(targetFile, 'policy');
const text = (r: RunResult) => r.stdout + r.stderr;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const rows = loadDecisionTable();

describe('policy suite against a correct stack', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pnpm smoke --suite policy exits 0 with every row decided, nothing skipped, and the facts table', async () => {
    const result = await policySmoke(stack.targetFile);
    expect(result.code, text(result).slice(-3000)).toBe(0);
    expect(text(result)).toMatch(/smoke: \d+ passed, 0 failed, 0 skipped/);
    for (const row of rows) expect(text(result)).toContain(`✓ policy › decision table (contracts/policy/decisions.yaml) > ${row.name} → ${row.expect}`);
    expect(text(result)).toMatch(/✓ policy › through the API > DENY: promoting with admin as smoke-runner/);
    expect(text(result)).toContain('policy: decision point (measured on the target)');
    // rows decided, allows, denies, unexpected answers, enforced revision, revisions in answers, canonical revision
    const allows = rows.filter((r) => r.expect === 'allow').length;
    expect(text(result)).toMatch(new RegExp(`${rows.length}\\s+${allows}\\s+${rows.length - allows}\\s+0\\s+${escape(policyRevision)}\\s+${escape(policyRevision)}\\s+${escape(policyRevision)}`));
  });

  it('a target without a policy section skips the suite with the reason and passes', async () => {
    const { policy: _policy, ...target } = stack.target;
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-target-')), 'no-policy.json');
    writeFileSync(file, JSON.stringify(target), { mode: 0o600 });
    const result = await policySmoke(file);
    expect(result.code, text(result).slice(-3000)).toBe(0);
    expect(text(result)).toMatch(/↓ policy › policy suite \(skipped: the target has no policy section/);
    expect(text(result)).toMatch(/smoke: 0 passed, 0 failed, 1 skipped/);
  });
});

describe('policy suite against the policy faults', () => {
  const faulty = async (fault: string) => {
    const result = await smokeAgainstStack({ faults: parseFaults(fault) }, 'policy');
    expect(result.code, `${fault}: exit code\n${text(result).slice(-3000)}`).toBe(1);
    expect(text(result)).toMatch(/smoke: \d+ passed, [1-9]\d* failed/);
    return text(result);
  };

  it('policy-permissive (canonical revision reported, any admin promotes) fails naming the row whose deny came back allow', async () => {
    const output = await faulty('policy-permissive');
    expect(output).toContain('row "another client with admin promotes a report": expected deny, the decision point answered allow');
    expect(output).toMatch(/✗ policy › through the API > DENY: promoting with admin as smoke-runner[\s\S]*expected status 403, got 200/);
    // The revision it reports is the canonical one, so only the decisions give it away.
    expect(output).toMatch(/✓ policy › policy sync > GET \/v1\/status enforces the canonical revision/);
  });

  it('policy-stale (an older policy and its revision) fails naming both revisions', async () => {
    const output = await faulty('policy-stale');
    const stale = new RegExp(`the decision point enforces revision (sha256:[0-9a-f]{16}), the canonical policy \\(@cleanapp/contracts, contracts/policy/cleanapp.cedar\\) is ${escape(policyRevision)}`).exec(output);
    expect(stale, output.slice(-3000)).not.toBeNull();
    expect(stale![1]).not.toBe(policyRevision);
    expect(output).toContain(`the answer carries revision ${stale![1]}, the canonical policy is ${policyRevision}`);
  });
});
