import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { contractsDir, fixture, SLOW } from './helpers.js';

/** Runs the real CLI the way `pnpm lint` does, from the package folder. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['exec', 'tsx', 'scripts/lint.ts', ...args], { cwd: contractsDir }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/lint.ts', { timeout: SLOW }, () => {
  it('exits 1 and names file#pointer of a dangling $ref in a fixture', async () => {
    const { code, stdout } = await cli(fixture('openapi/dangling-ref'));
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^test\/fixtures\/openapi\/dangling-ref\/paths\/reports\.yaml#\/post\/requestBody\/content\/application~1json\/schema: error no-unresolved-refs: Can't resolve \$ref/,
    );
    expect(lines.at(-1)).toMatch(/^✖ 1 error, 0 warnings — linted test\/fixtures\/openapi\/dangling-ref\/openapi\.yaml \(openapi\)/);
  });

  it('exits 1 on an unparseable file, naming file and line, without a stack trace', async () => {
    const { code, stdout, stderr } = await cli(fixture('openapi/broken-root/openapi.yaml'));
    expect(code).toBe(1);
    expect(stdout).toContain('test/fixtures/openapi/broken-root/openapi.yaml#: error syntax: line 9, column 1:');
    expect(`${stdout}${stderr}`).not.toMatch(/^\s+at /m);
  });

  it('exits 0 on a clean fixture', async () => {
    const { code, stdout } = await cli(fixture('openapi/valid'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✔ 0 errors, 0 warnings/);
  });
});
