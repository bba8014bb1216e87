import { parseFaults, type RunningStack, type StackOptions } from '@cleanapp/reference-stack';
import { describe, expect, it } from 'vitest';
import { smokeAgainstStack } from './run.js';

// Each suite must fail against a target that breaks what it checks (suites/README.md lists the pairs).
// The stack is the reference stack with one deliberate fault switched on.
const CASES: [suite: string, fault: string, evidence: RegExp][] = [
  ['health', 'no-request-id', /X-Request-ID/i],
  ['health', 'renderer-no-healthz', /service renderer > GET \/healthz[\s\S]*expected status 200, got 404/],
  ['health', 'renderer-no-process-time', /service renderer > X-Process-Time[\s\S]*has no X-Process-Time header/],
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

/** Starts the stack, lets `targetOf` adjust what its target file says, and requires `suite` to fail with `evidence`. */
async function expectSuiteFails(options: StackOptions, suite: string, label: string, evidence: RegExp, targetOf?: (stack: RunningStack) => Promise<object>) {
  const { code, output } = await smokeAgainstStack(options, suite, targetOf);
  expect(code, `${label}: exit code\n${output.slice(-3000)}`).toBe(1);
  expect(output).toMatch(/smoke: \d+ passed, [1-9]\d* failed/);
  expect(output).toMatch(evidence);
}

describe('each suite fails against a target with the fault it exists to catch', () => {
  it.each(CASES)('%s catches %s', (suite, fault, evidence) => expectSuiteFails({ faults: parseFaults(fault) }, suite, fault, evidence), 120_000);

  it('health catches analyzer-version-skew against a target that pins the git sha the rest of the stack runs', () =>
    expectSuiteFails({ faults: parseFaults('analyzer-version-skew') }, 'health', 'analyzer-version-skew', /service analyzer > GET \/version[\s\S]*git sha 0badc0ffee00, expected [0-9a-f]+/, async (stack) => {
      const { git_sha } = (await (await fetch(`${stack.urls.api}/version`)).json()) as { git_sha: string };
      return { ...stack.target, expectSha: git_sha };
    }), 120_000);

  it('health fails a production target whose services run with AUTH_REQUIRED=false', () =>
    expectSuiteFails({ authRequired: false, environment: 'production' }, 'health', 'auth-off-production', /accepts requests without a token in production/), 120_000);
});
