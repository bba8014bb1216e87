import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, violations, type Prism } from './prism.js';
import { run } from './run.js';

// Foreign targets: Stoplight Prism, a third-party implementation of our own contract. Prism cannot issue
// tokens, so the targets use the reference stack's real token issuer (JWTs, as the auth suite needs).
const dir = mkdtempSync(join(tmpdir(), 'prism-'));
let stack: RunningStack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

function writeTarget(name: string, target: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(target, null, 2));
  return file;
}

describe('prism mock of the bundled contract as the REST base', () => {
  let prism: Prism;
  beforeAll(async () => {
    prism = await startPrism('mock');
  }, 40_000);
  afterAll(async () => {
    await prism?.stop();
  });

  it('fails with exit 1, one group per root cause, the auth headline naming the real failure, the mock\'s data labelled as its claim', async () => {
    const targetFile = writeTarget('mock', { name: 'prism-mock', rest: { baseUrl: prism.origin }, auth: { tokenUrl: stack.target.auth.tokenUrl, clientId: stack.target.auth.clientId, clientSecret: stack.target.auth.clientSecret } });
    const reportDir = join(dir, 'mock-report');
    const r = await run('pnpm', ['smoke', '--target', targetFile, '--suite', 'health,ingest,auth', '--report-dir', reportDir], { timeoutMs: 55_000 });
    const out = r.stdout + r.stderr;
    writeFileSync(join(reportDir, 'console.txt'), out);
    expect(r.code, out.slice(-3000)).toBe(1);

    // The mock answers its example X-Request-ID to everything: one cause, its checks folded below it.
    type Check = { fullName: string; state: string; errors: { message: string }[] };
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
      failureGroups: { cause: string; count: number; checks: string[] }[];
      summary: { failed: number };
      results: { suite: string; checks: Check[] }[];
    };
    const echo = results.failureGroups.find((g) => g.cause === 'X-Request-ID not echoed');
    expect(echo?.count, JSON.stringify(results.failureGroups, null, 1)).toBeGreaterThan(10);
    expect(results.failureGroups.reduce((n, g) => n + g.count, 0)).toBe(results.summary.failed);
    expect(out).toContain(`✗ ${echo!.count} checks: X-Request-ID not echoed`);
    expect(out.match(/same cause as [^\n]*: X-Request-ID not echoed\n/g)).toHaveLength(echo!.count - 1);
    expect(readFileSync(join(reportDir, 'report.html'), 'utf8')).toContain(`<summary>${echo!.count} checks: X-Request-ID not echoed</summary>`);

    // Every protected operation answered the mock's 401 to no token: the headline must not say it accepted the request.
    const auth = results.results.filter((s) => s.suite === 'auth').flatMap((s) => s.checks);
    const noToken = auth.find((c) => /> no token → 401$/.test(c.fullName));
    expect(noToken?.errors[0]?.message.split('\n')[0]).toBe('9 of 9 operations answered with the expected status, but: X-Request-ID not echoed');
    // Prism checks only that a bearer token is present: a tampered one is really accepted, and said so.
    const badSig = auth.find((c) => /> bad signature/.test(c.fullName));
    expect(badSig?.errors[0]?.message.split('\n')[0]).toMatch(/^\d of 9 operations accepted a token with a bad signature/);

    // The example data the mock answers is the target's claim, not a fact.
    expect(out).toMatch(/smoke: deployed cleanapp-api \S+ .* — as reported by the target's GET \/version/);
    expect(out).toMatch(/smoke: the target says it removed \d+ synthetic reports of run /);
    expect(out).not.toMatch(/smoke: removed \d+/);
  });

  it('a token endpoint that answers 404 is one exit-2 configuration error naming auth.tokenUrl', async () => {
    const targetFile = writeTarget('mock-404', { name: 'prism-mock', rest: { baseUrl: prism.origin }, auth: { tokenUrl: `${prism.origin}/oauth/token`, clientId: 'c', clientSecret: 's-secret-404' } });
    const r = await run('pnpm', ['smoke', '--target', targetFile, '--suite', 'health,ingest,auth'], { timeoutMs: 30_000 });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('smoke: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^smoke: token endpoint issues no token: token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token answered 404 .*\[auth\.tokenUrl\]$/);
    expect(r.stdout).not.toMatch(/TokenError/);
  });
});

describe('prism proxy (validation proxy) in front of the reference stack', () => {
  let prism: Prism;
  beforeAll(async () => {
    prism = await startPrism('proxy', stack.target.rest.baseUrl);
  }, 40_000);
  afterAll(async () => {
    await prism?.stop();
  });

  it('every suite runs through it and Prism logs no contract violation of any response', async () => {
    const target = structuredClone(stack.target);
    target.rest.baseUrl = prism.origin;
    target.name = 'prism-proxy';
    const reportDir = join(dir, 'proxy-report');
    // Every suite but perf: load through a validating proxy would measure Prism, not the stack, and its
    // thousands of requests add nothing to what the other suites' traffic shows about the answers.
    const suites = readdirSync(new URL('../../suites/', import.meta.url), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'perf' && e.name !== 'node_modules')
      .map((e) => e.name);
    expect(suites, 'the suites folder').toContain('ingest');
    const r = await run('pnpm', ['smoke', '--target', writeTarget('proxy', target), '--suite', suites.join(','), '--report-dir', reportDir], { timeoutMs: 100_000 });
    const out = r.stdout + r.stderr;
    const log = prism.log();
    writeFileSync(join(reportDir, 'prism.log'), log);
    expect(log.match(/\[PROXY\]/g)?.length ?? 0, 'requests went through Prism').toBeGreaterThan(50);
    const found = violations(log);
    expect(found.response, found.response.join('\n')).toEqual([]);
    // Request violations only where a suite breaks the request on purpose (no or bad credentials, the bad
    // bodies of ingest) or leaves the contract on purpose (CORS preflight, Chromium's favicon).
    const deliberate = [
      'request Invalid security scheme used',
      "request.body Request body must have required property 'latitude'",
      'request.body.latitude Request body property latitude must be number',
      'request Supported content types: application/json',
      'request Selected route not found',
    ];
    const requestKinds = [...new Set(found.request.map((l) => l.replace(/^.*Violation: /, '').trim()))];
    expect(requestKinds.filter((k) => !deliberate.includes(k)), found.request.join('\n')).toEqual([]);
    expect(found.request.filter((l) => l.includes('Invalid security scheme')).length, 'the negative auth checks went through Prism').toBeGreaterThan(10);
    // Prism 5.14.2 never answers a request whose JSON body does not parse (no log line, no response): the
    // one check that sends one times out. Every other check must pass.
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as { failureGroups: { cause: string; checks: string[] }[] };
    expect(results.failureGroups.map((g) => [g.cause, g.checks]), out.slice(-3000)).toEqual([
      ['POST <url> failed: no answer within 10 s', ['ingest › ingest > bad bodies answer with the error envelope > malformed JSON → 400']],
    ]);
    expect(r.code).toBe(1);
  });
});
