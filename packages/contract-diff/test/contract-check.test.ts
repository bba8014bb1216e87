import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractCheck, findBaseline, pendingBumps } from '../src/contract-check.js';

const contracts = fileURLToPath(new URL('../../../contracts/generated/', import.meta.url));
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
const noRegistry = async () => undefined;

// A throwaway repo whose contracts were "released" (tagged the way changesets tags a release).
let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'contract-check-'));
  mkdirSync(join(repo, 'contracts'));
  cpSync(contracts, join(repo, 'contracts/generated'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init');
  git(repo, 'add', '.');
  git(repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'release');
  git(repo, 'tag', '@cleanapp/contracts@1.0.0');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

function removeRequiredResponseField() {
  const file = join(repo, 'contracts/generated/openapi.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const receipt = doc.components.schemas.IngestReceipt;
  receipt.required = receipt.required.filter((r: string) => r !== 'seq');
  delete receipt.properties.seq;
  writeFileSync(file, JSON.stringify(doc, null, 2));
}

describe('contract-check', () => {
  it('finds the released baseline: registry first, then the newest release tag, else none', async () => {
    expect(await findBaseline(repo, async () => '2.3.4')).toEqual({ kind: 'npm', version: '2.3.4' });
    git(repo, 'tag', '@cleanapp/contracts@1.10.0');
    expect(await findBaseline(repo, noRegistry)).toEqual({ kind: 'git', ref: '@cleanapp/contracts@1.10.0' });
    git(repo, 'tag', '-d', '@cleanapp/contracts@1.10.0', '@cleanapp/contracts@1.0.0');
    expect(await findBaseline(repo, noRegistry)).toMatchObject({ kind: 'none', why: expect.stringContaining('no @cleanapp/contracts@* git tag') });
  });

  it('passes on unchanged contracts', async () => {
    const r = await contractCheck(repo, { npmView: noRegistry });
    expect(r).toMatchObject({ baseline: { kind: 'git' }, breaking: 0, ok: true });
    expect(r.results.map((x) => x.artefact)).toEqual(['generated/openapi.json', 'generated/asyncapi.json', 'generated/supergraph.graphql']);
  });

  it('fails on a breaking change without a major changeset, passes with one', async () => {
    removeRequiredResponseField();
    const failing = await contractCheck(repo, { npmView: noRegistry });
    expect(failing.ok).toBe(false);
    expect(failing.breaking).toBeGreaterThan(0);
    expect(failing.results[0]!.result.changes.find((c) => c.level === 'breaking')?.id).toBe('response-required-property-removed');

    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset/minor-only.md'), '---\n"@cleanapp/api-client": minor\n---\n\nNot enough.\n');
    expect((await contractCheck(repo, { npmView: noRegistry })).ok).toBe(false);
    writeFileSync(join(repo, '.changeset/drop-seq.md'), '---\n"@cleanapp/api-client": major\n"@cleanapp/contracts": major\n---\n\nIngestReceipt.seq removed.\n');
    expect(await contractCheck(repo, { npmView: noRegistry })).toMatchObject({ ok: true, majorChangeset: true });
  });

  it('reads the strongest bump per package from the pending changesets', () => {
    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset/a.md'), '---\n"@cleanapp/events": patch\n"@cleanapp/mocks": major\n---\n\nx\n');
    writeFileSync(join(repo, '.changeset/b.md'), "---\n'@cleanapp/events': minor\n---\n\ny\n");
    writeFileSync(join(repo, '.changeset/README.md'), '# not a changeset\n');
    expect(Object.fromEntries(pendingBumps(repo))).toEqual({ '@cleanapp/events': 'minor', '@cleanapp/mocks': 'major' });
  });
});
