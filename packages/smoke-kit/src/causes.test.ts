import { describe, expect, it } from 'vitest';
import { causeOf, groupFailures, groupHeadline, matrixHeadline } from './causes.js';

const notEchoed = (op: string, id: string) =>
  `${op} (GET http://mock:4010/api/v4/${op}) does not match the contract:\n  - X-Request-ID not echoed: sent "${id}", got "0e8f…"\n  reproduce: curl -H 'X-Request-ID: ${id}' http://mock:4010/api/v4/${op}\n  response:  200 application/json`;

describe('causeOf', () => {
  it('is the same for failures that differ only in operation, URL and ids', () => {
    expect(causeOf(notEchoed('getHealth', 'smoke-1-a'))).toBe('X-Request-ID not echoed');
    expect(causeOf(notEchoed('getReport', 'smoke-1-b'))).toBe(causeOf(notEchoed('getHealth', 'smoke-1-a')));
  });

  it('keeps different problems apart and lists several of one response', () => {
    const status = 'submitReport (POST http://x/api/v4/reports) does not match the contract:\n  - expected status 202, got 200\n  reproduce: curl …';
    expect(causeOf(status)).toBe('expected status 202, got 200');
    expect(causeOf(status)).not.toBe(causeOf(notEchoed('getHealth', 'a')));
    const two = 'op (GET http://x) does not match the contract:\n  - the response has no X-Request-ID header\n  - expected status 401, got 200\n  reproduce: curl';
    expect(causeOf(two)).toBe('the response has no X-Request-ID header; expected status 401, got 200');
  });

  it('uses the first line of other errors, without their variable parts', () => {
    expect(causeOf('TokenError: token endpoint http://a/oauth/token answered 404 Not Found\nmore')).toBe('TokenError: token endpoint <url> answered 404 Not Found');
    expect(causeOf('no report.analysed within 8000 ms')).toBe(causeOf('no report.analysed within 10000 ms'));
  });
});

describe('groupFailures', () => {
  it('folds failures with one cause into one group, largest first; passing checks are not failures', () => {
    const check = (fullName: string, message?: string) => ({ fullName, state: message ? 'failed' : 'passed', errors: message ? [{ message }] : [] });
    const groups = groupFailures({
      suites: [
        { suite: 'health', file: 'health/health.test.ts', errors: [], checks: [check('health > echo', notEchoed('getHealth', '1')), check('health > ok')] },
        {
          suite: 'ingest',
          file: 'ingest/ingest.test.ts',
          errors: [{ message: 'beforeAll failed' }],
          checks: [check('ingest > a', notEchoed('submitReport', '2')), check('ingest > b', notEchoed('getReceipt', '3'))],
        },
      ],
      unhandledErrors: [],
    });
    expect(groups.map(groupHeadline)).toEqual(['3 checks: X-Request-ID not echoed', '1 check: beforeAll failed']);
    expect(groups[0]!.checks).toEqual(['health › health > echo', 'ingest › ingest > a', 'ingest › ingest > b']);
    expect(groups[0]!.example).toContain('getHealth');
    expect(groups[1]!.checks).toEqual(['ingest/ingest.test.ts could not run']);
  });
});

describe('matrixHeadline', () => {
  const answered401 = (op: string) => notEchoed(op, `id-${op}`);
  const accepted = 'getReport (GET http://x) does not match the contract:\n  - expected status 401, got 200\n  reproduce: curl';

  it('does not accuse operations that answered the expected status of what the row checks', () => {
    const headline = matrixHeadline(9, 'accepted a request without a token', Array.from({ length: 9 }, (_, i) => answered401(`op${i}`)));
    expect(headline).toBe('9 of 9 operations answered with the expected status, but: X-Request-ID not echoed');
    expect(headline).not.toContain('accepted');
  });

  it('names the accusation only for the operations whose status was wrong', () => {
    const normal = "expected the operation's normal answer, got 401 (refused)\n  reproduce: curl";
    expect(matrixHeadline(9, 'accepted a request without a token', [accepted, answered401('a'), answered401('b')])).toBe(
      '1 of 9 operations accepted a request without a token; 2 of 9 operations answered with the expected status, but: X-Request-ID not echoed',
    );
    expect(matrixHeadline(3, 'refused a valid token', [normal])).toBe('1 of 3 operations refused a valid token');
  });
});
