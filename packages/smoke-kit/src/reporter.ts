import { relative, sep } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { causeOf, groupFailures, groupHeadline } from './causes.js';
import { mask } from './mask.js';

export type CheckState = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  /** Passed only after a retry. */
  flaky?: boolean;
  name: string;
  /** Describe blocks and test name joined with ` > `. */
  fullName: string;
  state: CheckState;
  durationMs: number;
  errors: { name: string; message: string; stack?: string }[];
}

export interface SuiteResult {
  suite: string;
  file: string;
  state: string;
  durationMs: number;
  /** Errors outside any test (import failures, failing beforeAll): each counts as one failed check. */
  errors: { name: string; message: string; stack?: string }[];
  checks: CheckResult[];
}

export interface SmokeResults {
  passed: number;
  failed: number;
  skipped: number;
  /** Checks that failed first and passed on a retry (canary mode only); counted as passed too. */
  flaky: number;
  suites: SuiteResult[];
  unhandledErrors: { name: string; message: string; stack?: string }[];
  reason: TestRunEndReason | 'not-run';
}

const GREEN = (s: string, color: boolean) => (color ? `\u001b[32m${s}\u001b[39m` : s);
const RED = (s: string, color: boolean) => (color ? `\u001b[31m${s}\u001b[39m` : s);
const DIM = (s: string, color: boolean) => (color ? `\u001b[2m${s}\u001b[22m` : s);

function serialise(e: SerializedError | Error): { name: string; message: string; stack?: string } {
  const stack = (e as { stack?: string }).stack;
  return {
    name: mask(String((e as { name?: string }).name ?? 'Error')),
    // eslint-disable-next-line no-control-regex
    message: mask(String(e.message ?? e).replace(/\u001b\[[0-9;]*m/g, '')),
    ...(stack ? { stack: mask(stack) } : {}),
  };
}

/** Only frames from the suites (not vitest internals), to keep failure output readable. */
function shortStack(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && l.includes(`${sep}suites${sep}`) && !l.includes('node_modules'))
    .slice(0, 3)
    .map((l) => l.trim());
}

/**
 * Console progress (one line per check with its duration, failures in full) and the collected
 * results for the JSON report. Everything printed goes through `mask()`.
 */
export class SmokeReporter implements Reporter {
  readonly results: SmokeResults = { passed: 0, failed: 0, skipped: 0, flaky: 0, suites: [], unhandledErrors: [], reason: 'not-run' };

  constructor(
    private readonly suitesDir: string,
    private readonly write: (line: string) => void,
    private readonly color = false,
  ) {}

  /** First check seen failing per cause: later failures with the same cause are printed as one line. */
  private readonly firstOfCause = new Map<string, string>();

  /** Prints the errors in full, or one line pointing at the first failure with the same cause. */
  private printFailure(name: string, errors: readonly SerializedError[]) {
    const cause = causeOf(mask(String(errors[0]?.message ?? '')));
    const first = this.firstOfCause.get(cause);
    if (first !== undefined) {
      this.print(`     ${DIM(`same cause as ${first}: ${cause}`, this.color)}`);
      return;
    }
    this.firstOfCause.set(cause, name);
    for (const e of errors) this.printError(e);
  }

  private suiteOf(moduleId: string): { suite: string; file: string } {
    const file = relative(this.suitesDir, moduleId).split(sep).join('/');
    return { suite: file.split('/')[0] ?? file, file };
  }

  private print(line: string) {
    // eslint-disable-next-line no-control-regex
    this.write(mask(this.color ? line : line.replace(/\u001b\[[0-9;]*m/g, '')));
  }

  /** `health > GET …` inside suite `health` reads as `health › GET …`. */
  private checkName(suite: string, fullName: string): string {
    return `${suite} › ${fullName.startsWith(`${suite} > `) ? fullName.slice(suite.length + 3) : fullName}`;
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const { suite } = this.suiteOf(test.module.moduleId);
    const duration = Math.round(test.diagnostic()?.duration ?? 0);
    const name = this.checkName(suite, test.fullName);
    const retries = test.diagnostic()?.retryCount ?? 0;
    const flaky = result.state === 'passed' && retries > 0 ? ` FLAKY: passed after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    if (result.state === 'passed') this.print(` ${GREEN('✓', this.color)} ${name} ${DIM(`(${duration} ms)`, this.color)}${flaky ? RED(flaky, this.color) : ''}`);
    else if (result.state === 'skipped') this.print(` ${DIM(`↓ ${name} (skipped)`, this.color)}`);
    else if (result.state === 'failed') {
      this.print(` ${RED('✗', this.color)} ${name} ${DIM(`(${duration} ms)`, this.color)}`);
      this.printFailure(name, result.errors);
    }
  }

  private printError(e: SerializedError) {
    const lines = `${e.name && !String(e.message).startsWith(e.name) ? `${e.name}: ` : ''}${e.message}`.split('\n');
    for (const l of lines) this.print(`     ${RED(l, this.color)}`);
    const diff = (e as { diff?: string }).diff;
    if (diff) for (const l of diff.split('\n')) this.print(`     ${l}`);
    for (const l of shortStack(e.stack)) this.print(`     ${DIM(l, this.color)}`);
  }

  onTestModuleEnd(module: TestModule): void {
    const { suite, file } = this.suiteOf(module.moduleId);
    const errors = module.errors();
    if (errors.length > 0) {
      this.print(` ${RED('✗', this.color)} ${suite} › ${file} could not run`);
      this.printFailure(`${file} could not run`, errors);
    }
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const r = this.results;
    r.reason = reason;
    for (const module of modules) {
      const { suite, file } = this.suiteOf(module.moduleId);
      const checks: CheckResult[] = [];
      for (const test of module.children.allTests()) {
        const result = test.result();
        const state: CheckState = result.state === 'passed' ? 'passed' : result.state === 'failed' ? 'failed' : 'skipped';
        r[state] += 1;
        const flaky = state === 'passed' && (test.diagnostic()?.retryCount ?? 0) > 0;
        if (flaky) r.flaky += 1;
        checks.push({
          name: test.name,
          fullName: test.fullName,
          state,
          flaky,
          durationMs: Math.round(test.diagnostic()?.duration ?? 0),
          errors: (result.errors ?? []).map(serialise),
        });
      }
      const errors = module.errors().map(serialise);
      r.failed += errors.length; // a suite that could not run is a failure, not a silent skip
      r.suites.push({ suite, file, state: module.state(), durationMs: Math.round(module.diagnostic().duration), errors, checks });
    }
    r.unhandledErrors = unhandledErrors.map(serialise);
    r.failed += unhandledErrors.length;
    for (const e of unhandledErrors) {
      this.print(` ${RED('✗', this.color)} unhandled error`);
      this.printError(e);
    }
    // One root cause behind many failures reads as one problem with its list folded below.
    const groups = groupFailures(r);
    if (groups.length > 0) {
      this.print('');
      this.print(`failures by cause (${groups.length}):`);
      for (const g of groups) {
        this.print(` ${RED('✗', this.color)} ${groupHeadline(g)}`);
        for (const c of g.checks) this.print(`     ${DIM(c, this.color)}`);
      }
    }
  }
}
