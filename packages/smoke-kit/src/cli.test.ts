import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeTarget, type FakeTarget } from './testing/fake-target.js';
import { main, selectSuites } from './cli.js';
import { SMOKE_OPTIONS } from './options.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'smoke-cli-'));

/** Runs `pnpm exec tsx src/cli.ts …` asynchronously (the fake target lives in this process). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TINYPOOL|NODE_OPTIONS)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['exec', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env: { ...env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function targetFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

// Independent CLI processes: run them side by side.
describe.concurrent('smoke CLI: unusable configuration exits 2', () => {
  it('a target file missing rest.baseUrl names the field', async ({ expect }) => {
    const path = targetFile('no-base.json', { name: 'broken', rest: {} });
    const r = await cli(['--target', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}: rest.baseUrl is required`);
  });

  it('an unreachable rest.baseUrl names the URL and the reason', async ({ expect }) => {
    const path = targetFile('unreachable.json', { name: 'nowhere', rest: { baseUrl: 'http://127.0.0.1:9' } });
    const r = await cli(['--target', path, '--suite', 'health']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('target unreachable: http://127.0.0.1:9 (connect ECONNREFUSED 127.0.0.1:9)');
  });

  it('an unknown suite lists the known ones', async ({ expect }) => {
    const path = targetFile('ok.json', { name: 'x', rest: { baseUrl: 'http://127.0.0.1:9' } });
    const r = await cli(['--target', path, '--suite', 'health,nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown suite nope \(known: [a-z, -]*\bhealth\b[a-z, -]*\)/);
    expect(r.stderr).toMatch(/\bingest\b/);
  });

  it('a missing or unparseable target file, an unknown flag, a suite that needs auth without auth', async ({ expect }) => {
    const garbled = join(dir, 'garbled.yaml');
    writeFileSync(garbled, 'name: [');
    const [missing, bad, flag, noAuth] = await Promise.all([
      cli(['--target', join(dir, 'absent.yaml')]),
      cli(['--target', garbled]),
      cli(['--targte', 'x']),
      cli(['--target', targetFile('no-auth.json', { name: 'x', rest: { baseUrl: 'http://127.0.0.1:9' } }), '--suite', 'ingest']),
    ]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('absent.yaml: target file not found')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('not parseable as YAML')]);
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringContaining("Unknown option '--targte'")]);
    expect([noAuth.code, noAuth.stderr]).toEqual([2, expect.stringContaining('auth is required by suite ingest')]);
  });
});

describe('smoke CLI against a fake target', () => {
  let good: FakeTarget;
  let faulty: FakeTarget;
  beforeAll(async () => {
    good = await startFakeTarget();
    faulty = await startFakeTarget({ faults: ['health-down', 'no-replay', 'envelope-request-id'] });
  });
  afterAll(async () => {
    await good.stop();
    await faulty.stop();
  });

  const secretsIn = (fake: FakeTarget, texts: string[]) =>
    texts.flatMap((t) => [fake.clientSecret, ...fake.issuedTokens].filter((s) => t.includes(s)));

  it('exit 0 when every check passes, with JUnit and JSON reports and the summary line', async () => {
    const reportDir = join(dir, 'reports-good');
    const r = await cli(['--target', good.targetFile, '--suite', 'health,ingest', '--report-dir', reportDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ health › GET \/api\/v4\/health answers 200 [^\n]*\(\d+ ms\)/);
    // Skipped with its reason: the fake trusts no test key, so no second client can be minted.
    expect(r.stdout).toMatch(/another client \(skipped: the target trusts no test signing key/);
    expect(r.stdout).toMatch(/\nsmoke: (\d+) passed, 0 failed, 1 skipped \(\d+\.\ds\) against fake\n$/);
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="smoke fake" tests="\d+" failures="0"/);
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as { summary: { failed: number; passed: number } };
    expect(results.summary.failed).toBe(0);
    expect(results.summary.passed).toBeGreaterThan(10);
    expect(good.issuedTokens.length).toBeGreaterThan(0);
    expect(secretsIn(good, [r.stdout, junit, JSON.stringify(results)])).toEqual([]);
  });

  it('exit 1 against a faulty target, each failure with a masked curl line, no secret anywhere', async () => {
    const reportDir = join(dir, 'reports-faulty');
    const r = await cli(['--target', faulty.targetFile, '--suite', 'health,ingest', '--report-dir', reportDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ health › GET \/api\/v4\/health answers 200 matching the contract with every dependency up/);
    expect(r.stdout).toContain("dependencies not up: expected [ 'db: down' ] to deeply equal []");
    expect(r.stdout).toMatch(/✗ ingest › replaying the same content/);
    expect(r.stdout).toMatch(/error\.request_id "not-the-header" differs from the X-Request-ID header/);
    expect(r.stdout).toMatch(/reproduce: curl -sS -i -X POST http:\/\/127\.0\.0\.1:\d+\/api\/v4\/reports -H 'Authorization: Bearer \*\*\*'/);
    expect(r.stdout).toMatch(/\nsmoke: \d+ passed, [1-9]\d* failed, 1 skipped \(\d+\.\ds\) against fake\n$/);
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure /);
    expect(junit).toContain('Bearer ***');
    const results = readFileSync(join(reportDir, 'results.json'), 'utf8');
    expect(faulty.issuedTokens.length).toBeGreaterThan(0);
    expect(secretsIn(faulty, [r.stdout, r.stderr, junit, results])).toEqual([]);
    expect(existsSync(join(reportDir, 'results.json'))).toBe(true);
    // Failures sharing a cause are one group, listed once more at the end with the checks folded below.
    const groups = (JSON.parse(results) as { failureGroups: { cause: string; count: number; checks: string[] }[] }).failureGroups;
    const envelope = groups.find((g) => g.cause.includes('error.request_id … differs from the X-Request-ID header …'));
    expect(envelope?.count).toBeGreaterThan(1);
    expect(envelope?.checks).toHaveLength(envelope!.count);
    expect(r.stdout).toContain(`✗ ${envelope!.count} checks: ${envelope!.cause}`);
    expect(r.stdout.match(/differs from the X-Request-ID header "/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/same cause as ingest › /);
    expect(r.stdout).toMatch(/smoke: deployed .* — as reported by the target's GET \/version/);
  });

  it('a token endpoint that issues no token is one exit-2 error naming auth.tokenUrl, before any suite runs', async () => {
    const path = targetFile('token-404.json', { ...JSON.parse(readFileSync(good.targetFile, 'utf8')), auth: { tokenUrl: `${good.baseUrl}/no/token/here`, clientId: 'c', clientSecret: 'token-404-secret' } });
    const r = await cli(['--target', path, '--suite', 'health,ingest', '--report-dir', join(dir, 'reports-token')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^smoke: token endpoint issues no token: token endpoint http:\/\/127\.0\.0\.1:\d+\/no\/token\/here answered 404 .*\[auth\.tokenUrl\]\n$/);
    expect(r.stdout).not.toContain('passed');
  });
});

describe('selectSuites', () => {
  const known = [
    { name: 'health', tags: ['gate', 'nightly'], services: ['api'] },
    { name: 'render', tags: ['nightly'], services: ['renderer'] },
    { name: 'analyze', tags: ['gate', 'nightly'], services: ['analyzer'] },
  ];
  const all = known.map((k) => k.name);

  it('narrows by tag and by service', () => {
    expect(selectSuites(known, all, 'gate', undefined, undefined)).toEqual(['health', 'analyze']);
    expect(selectSuites(known, all, undefined, ['renderer', 'analyzer'], undefined)).toEqual(['render', 'analyze']);
    expect(selectSuites(known, all, 'gate', ['renderer', 'analyzer'], undefined)).toEqual(['analyze']);
  });

  it('names unknown tags and services, and refuses an empty selection', () => {
    expect(() => selectSuites(known, all, 'weekly', undefined, undefined)).toThrow('unknown tag weekly (known: gate, nightly)');
    expect(() => selectSuites(known, all, undefined, ['billing'], ['api'])).toThrow('unknown service billing (known: analyzer, api, renderer)');
    expect(() => selectSuites(known, ['health'], undefined, ['renderer'], undefined)).toThrow('no suite matches --service renderer among health');
  });
});

describe('smoke --help', () => {
  it('is built from SMOKE_OPTIONS: every flag, with its short form and value', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      write.mockRestore();
    }
    for (const o of SMOKE_OPTIONS) expect(out.join('')).toMatch(new RegExp(`^  ${o.flag}${'value' in o ? ` <${o.value}>` : ''} +\\S`, 'm'));
  });
});
