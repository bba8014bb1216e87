import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaults, startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeSuites, type RunResult } from './run.js';

// The auth and websocket suites pass against a correct stack and fail against one with the fault each
// is meant to catch (packages/reference-stack/src/faults.ts; suites/README.md lists who catches what).

const smoke = (stack: RunningStack, suites: string, targetFile = stack.targetFile) => smokeSuites(targetFile, suites);

const output = (r: RunResult) => r.stdout + r.stderr;

/** The trusted test key's private part must never reach the output. */
function expectNoKeyMaterial(stack: RunningStack, result: RunResult): void {
  const key = stack.target.auth.testSigningKey;
  expect(key?.d, 'the stack writes a test signing key into its target').toBeTruthy();
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const value = key?.[member];
    if (typeof value === 'string') expect(output(result).includes(value), `test key member ${member} in the output`).toBe(false);
  }
  expect(output(result)).not.toContain(stack.target.auth.clientSecret);
}

describe('auth and websocket suites against a correct stack', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pnpm smoke --target <stack> --suite auth,websocket exits 0 with no check skipped', async () => {
    const result = await smoke(stack, 'auth,websocket');
    expect(result.code, output(result)).toBe(0);
    expect(output(result)).toMatch(/smoke: \d+ passed, 0 failed, 0 skipped/);
    expect(output(result)).toContain('auth › ');
    expect(output(result)).toContain('websocket › ');
    expect(output(result)).toContain('expired token');
    expectNoKeyMaterial(stack, result);
  });

  it('without auth.testSigningKey and websocket the checks that need them are skipped with the reason, and the run passes', async () => {
    const { testSigningKey: _key, ...auth } = stack.target.auth;
    const { websocket: _ws, ...rest } = stack.target;
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-target-')), 'no-test-key.json');
    writeFileSync(file, JSON.stringify({ ...rest, auth }), { mode: 0o600 });
    const result = await smoke(stack, 'auth,websocket', file);
    expect(result.code, output(result)).toBe(0);
    expect(output(result)).toMatch(/↓ auth › .*expired token .*\(skipped: the target trusts no test signing key/);
    expect(output(result)).toMatch(/↓ websocket › websocket suite \(skipped: the target has no websocket section/);
    // Missing scope still runs, with narrower tokens from the token endpoint.
    expect(output(result)).toMatch(/✓ auth › .*lacking the required scope → 403 envelope \(narrower tokens from the token endpoint\)/);
    expect(output(result)).toMatch(/smoke: \d+ passed, 0 failed, [1-9]\d* skipped/);
  });
});

describe('the auth suite catches auth-not-enforced', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack({ faults: parseFaults('auth-not-enforced') });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('exits 1, failing the 401/403 checks', async () => {
    const result = await smoke(stack, 'auth');
    expect(result.code, output(result)).toBe(1);
    expect(output(result)).toMatch(/✗ auth › .*no token → 401/);
    expect(output(result)).toMatch(/✗ auth › .*expired token/);
    expect(output(result)).toMatch(/✗ auth › .*lacking the required scope → 403/);
    // What the fault does not break still passes.
    expect(output(result)).toMatch(/✓ auth › .*public operations/);
    expectNoKeyMaterial(stack, result);
  });
});

describe('the websocket suite catches no-pong', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack({ faults: parseFaults('no-pong') });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('exits 1, failing the app-level ping check', async () => {
    const result = await smoke(stack, 'websocket');
    expect(result.code, output(result)).toBe(1);
    expect(output(result)).toMatch(/✗ websocket › .*app-level ping → pong/);
    expect(output(result)).toMatch(/smoke: \d+ passed, 1 failed/);
  });
});
