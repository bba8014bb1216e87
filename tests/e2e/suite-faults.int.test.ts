import { parseFaults, startStack } from '@cleanapp/reference-stack';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

// Each suite must fail against a target that breaks what it checks (suites/README.md lists the pairs).
// The stack is the reference stack with one deliberate fault switched on.
const CASES: [suite: string, fault: string, evidence: RegExp][] = [
  ['health', 'no-request-id', /X-Request-ID/i],
  ['ingest', 'wrong-status', /202/],
  ['ingest', 'quarantine-visible', /quarantine/i],
  ['query', 'near-unsorted', /nearest first/],
  ['analyze', 'analyzer-silent', /report\.analysed/],
  ['render', 'card-wrong-type', /image\/svg\+xml/],
  ['render', 'og-relative', /og:\w+ "\/[^"]*" is an absolute http\(s\) URL/],
  ['events', 'poison-requeued', /DLQ|dlq/],
  ['events', 'renderer-not-consuming', /report-renderer-queue has no consumer/],
  ['events', 'analyzer-dead-letters', /report-analysis-queue\.dlq gained \d+ messages that are not smoke probes/],
  ['events', 'analyzer-dead-letters,failed-unmarked', /was dead-lettered but its receipt says \w+/],
  ['contracts', 'contract-drift', /response-required-property-removed/],
  ['contracts', 'no-cors', /Access-Control-Allow-Origin/],
  ['contracts', 'cors-preflight-no-authorization', /CORS in Chromium > a page on cors\.allowedOrigin[\s\S]*Request header field authorization is not allowed/],
];

describe('each suite fails against a target with the fault it exists to catch', () => {
  it.each(CASES)('%s catches %s', async (suite, fault, evidence) => {
    const stack = await startStack({ faults: parseFaults(fault) });
    try {
      const result = await run('pnpm', ['smoke', '--target', stack.targetFile, '--suite', suite, '--report-dir', `/tmp/smoke-fault-${fault}`]);
      const output = result.stdout + result.stderr;
      expect(result.code, output.slice(-3000)).toBe(1);
      expect(output).toMatch(/smoke: \d+ passed, [1-9]\d* failed/);
      expect(output).toMatch(evidence);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
