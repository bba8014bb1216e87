import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type RunningStack, type StackOptions } from '@cleanapp/reference-stack';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repo root (as a user would type it) and captures its output. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, FORCE_COLOR: '0', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export interface SmokeRun extends RunResult {
  /** stdout + stderr. */
  output: string;
  reportDir: string;
}

/** `pnpm smoke --target <file> --suite <suites>` into its own fresh report dir. */
export async function smokeSuites(targetFile: string, suites: string, options: { timeoutMs?: number } = {}): Promise<SmokeRun> {
  const reportDir = mkdtempSync(join(tmpdir(), `smoke-${suites.replace(/[^a-z0-9]+/g, '-')}-`));
  const result = await run('pnpm', ['smoke', '--target', targetFile, '--suite', suites, '--report-dir', reportDir], options);
  return { ...result, output: result.stdout + result.stderr, reportDir };
}

/**
 * Starts a reference stack with `options` (faults, auth), lets `targetOf` rewrite the target file it
 * wrote, runs `suites` against it and stops the stack.
 */
export async function smokeAgainstStack(options: StackOptions, suites: string, targetOf?: (stack: RunningStack) => object | Promise<object>): Promise<SmokeRun> {
  const stack = await startStack(options);
  try {
    if (targetOf) writeFileSync(stack.targetFile, JSON.stringify(await targetOf(stack)), { mode: 0o600 });
    return await smokeSuites(stack.targetFile, suites);
  } finally {
    await stack.stop();
  }
}
