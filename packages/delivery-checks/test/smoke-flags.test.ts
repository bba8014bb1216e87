import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  runnerFlags,
  smokeCommandsInScript,
  smokeInvocationsInCompose,
  smokeInvocationsInWorkflow,
  SUBGRAPH_CHECK_COMMAND,
  subgraphCheckFlags,
  unknownFlagProblems,
  unusedInterfaceProblems,
  workflowCallInterface,
} from '../src/smoke-flags.js';
import { root } from './helpers.js';

const runner = runnerFlags();
const gateFile = '.github/workflows/contract-gate.yml';
const gateText = readFileSync(join(root, gateFile), 'utf8');

describe("the smoke runner's flags", () => {
  it('come from SMOKE_OPTIONS, the data its parser and --help are built from', () => {
    expect([...runner.long]).toEqual(expect.arrayContaining(['target', 'suite', 'report-dir', 'help']));
    expect([...runner.short].sort()).toEqual(['h', 's', 't']);
  });
});

describe("the reusable workflow's inputs match the runner's flags", () => {
  const iface = workflowCallInterface(gateText);
  const invocations = smokeInvocationsInWorkflow(gateText, gateFile);

  it('declares the gate interface: service, target file or base URL, suites, tags; client id/secret; a result output', () => {
    expect(Object.keys(iface.inputs)).toEqual(expect.arrayContaining(['service', 'target-file', 'base-url', 'suites', 'tags']));
    expect(iface.inputs.service!.required).toBe(true);
    expect(Object.keys(iface.secrets).sort()).toEqual(['client-id', 'client-secret']);
    expect(Object.keys(iface.outputs)).toEqual(expect.arrayContaining(['result', 'exit-code']));
  });

  it('runs pnpm smoke with --target, --suite, --tag and --report-dir, and only with flags the runner has', () => {
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.long.sort()).toEqual(['report-dir', 'suite', 'tag', 'target']);
    expect(unknownFlagProblems(invocations, runner)).toEqual([]);
  });

  it('a gate passing a flag the runner lacks fails, naming the workflow step', () => {
    const withBogus = gateText.replace('${TAGS:+--tag "$TAGS"}', '${TAGS:+--tag "$TAGS"} --parallel "$SERVICE"');
    expect(withBogus).not.toBe(gateText);
    const problems = unknownFlagProblems(smokeInvocationsInWorkflow(withBogus, gateFile), runner);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(gateFile);
    expect(problems[0]!.pointer).toMatch(/^\/jobs\/gate\/steps\/\d+\/run$/);
    expect(problems[0]!.message).toMatch(/passes --parallel to the smoke runner, which has no such flag/);
  });

  it('a flag the runner never had fails, also in its short form', () => {
    const bad = gateText.replace('--report-dir "$REPORT_DIR"', '--report-dir "$REPORT_DIR" --service "$SERVICE" -x');
    const problems = unknownFlagProblems(smokeInvocationsInWorkflow(bad, gateFile), runner);
    expect(problems.map((p) => p.message)).toEqual(
      runner.long.has('service') ? [expect.stringMatching(/-x/)] : [expect.stringMatching(/--service/), expect.stringMatching(/-x/)],
    );
  });

  it('uses every input and secret it declares', () => {
    expect(unusedInterfaceProblems(gateText, gateFile)).toEqual([]);
    const extra = gateText.replace('    secrets:\n', '      unused-input:\n        type: string\n        required: false\n    secrets:\n');
    expect(unusedInterfaceProblems(extra, gateFile).map((p) => p.pointer)).toEqual(['/on/workflow_call/inputs/unused-input']);
  });
});

describe('every smoke invocation in the repo passes only runner flags', () => {
  const workflows = ['ci.yml', 'canary.yml', 'contract-gate.yml'].map((f) => `.github/workflows/${f}`);
  it.each(workflows)('%s', (file) => {
    const invocations = smokeInvocationsInWorkflow(readFileSync(join(root, file), 'utf8'), file);
    expect(invocations.length).toBeGreaterThan(0);
    expect(unknownFlagProblems(invocations, runner)).toEqual([]);
  });

  it('compose/compose.yaml (smoke-runner command)', () => {
    const invocations = smokeInvocationsInCompose(readFileSync(join(root, 'compose/compose.yaml'), 'utf8'), 'compose/compose.yaml');
    expect(invocations.map((i) => i.pointer)).toEqual(['/services/smoke-runner/command']);
    expect(unknownFlagProblems(invocations, runner)).toEqual([]);
  });

  it('the script reader follows line continuations, ${VAR:+--flag} and stops at control operators', () => {
    const [cmd] = smokeCommandsInScript('rc=0\nGITHUB_STEP_SUMMARY=x pnpm --silent smoke --target "$T" \\\n  ${S:+--suite "$S"} -t x || echo --not-a-flag\n# pnpm smoke --commented');
    expect(cmd!.long).toEqual(['target', 'suite']);
    expect(cmd!.short).toEqual(['t']);
    expect(smokeCommandsInScript('echo "no --tag flag yet"')).toEqual([]);
  });
});

describe('contract-diff flags used by ci.yml exist in its CLI', () => {
  it('--format github, --fail-on breaking and --judge clients', () => {
    const usage = readFileSync(join(root, 'packages/contract-diff/src/cli.ts'), 'utf8');
    const ci = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8');
    const used = [...ci.matchAll(/contract-diff\.mjs[^\n]*\n?[^\n]*?((?:--[a-z-]+ \S+ ?)+)/g)].flatMap((m) => [...m[1]!.matchAll(/--([a-z-]+) (\S+)/g)].map((x) => [x[1]!, x[2]!]));
    expect(used).toEqual([
      ['format', 'github'],
      ['fail-on', 'breaking'],
      ['judge', 'clients'],
    ]);
    expect(usage).toMatch(/--format text\|json\|markdown\|github/);
    expect(usage).toMatch(/--fail-on breaking\|warning/);
    expect(usage).toMatch(/--judge wire\|clients/);
  });
});

describe('contract-diff subgraph-check in the gate passes only flags the CLI has', () => {
  it('the gate runs subgraph-check with --name, --schema, --operations, --format github and --fail-on breaking', () => {
    const invocations = smokeInvocationsInWorkflow(gateText, gateFile, SUBGRAPH_CHECK_COMMAND);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.long.sort()).toEqual(['fail-on', 'format', 'name', 'operations', 'schema']);
    expect(invocations[0]!.command).toMatch(/--format github --fail-on breaking/);
    expect(unknownFlagProblems(invocations, subgraphCheckFlags(), 'contract-diff subgraph-check')).toEqual([]);
  });

  it('a flag subgraph-check lacks is reported, naming the CLI', () => {
    const script = 'node packages/contract-diff/bin/contract-diff.mjs subgraph-check --name reports --schema s.graphql --fail-on-breaking\necho "contract-diff subgraph-check --bogus"';
    const found = smokeCommandsInScript(script, SUBGRAPH_CHECK_COMMAND);
    expect(found.map((c) => c.long)).toEqual([['name', 'schema', 'fail-on-breaking']]);
    const problems = unknownFlagProblems([{ file: 'wf.yml', pointer: '/jobs/x', ...found[0]! }], subgraphCheckFlags(), 'contract-diff subgraph-check');
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^passes --fail-on-breaking to contract-diff subgraph-check, which has no such flag/)]);
  });
});
