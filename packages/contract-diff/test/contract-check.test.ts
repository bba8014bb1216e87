import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractCheck, findBaseline, findReleases, pendingBumps, readSupportWindow, releasesFor, type Release } from '../src/contract-check.js';

const contracts = fileURLToPath(new URL('../../../contracts/generated/', import.meta.url));
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
const noRegistry = async () => undefined;
const commit = (cwd: string, message: string) => git(cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-am', message);

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
    expect(await findBaseline(repo, async () => ['2.3.4', '2.10.0', '2.9.1'])).toEqual({ kind: 'npm', version: '2.10.0' });
    git(repo, 'tag', '@cleanapp/contracts@1.10.0');
    expect(await findBaseline(repo, noRegistry)).toEqual({ kind: 'git', ref: '@cleanapp/contracts@1.10.0' });
    git(repo, 'tag', '-d', '@cleanapp/contracts@1.10.0', '@cleanapp/contracts@1.0.0');
    expect(await findBaseline(repo, noRegistry)).toMatchObject({ kind: 'none', why: expect.stringContaining('no @cleanapp/contracts@* git tag') });
  });

  it('passes on unchanged contracts', async () => {
    const r = await contractCheck(repo, { npmVersions: noRegistry });
    expect(r).toMatchObject({ baseline: { kind: 'git' }, breaking: 0, ok: true });
    expect(r.results.map((x) => x.artefact)).toEqual(['generated/openapi.json', 'generated/asyncapi.json', 'generated/supergraph.graphql']);
  });

  it('fails on a breaking change without a major changeset, passes with one', async () => {
    removeRequiredResponseField();
    const failing = await contractCheck(repo, { npmVersions: noRegistry });
    expect(failing.ok).toBe(false);
    expect(failing.breaking).toBeGreaterThan(0);
    expect(failing.results[0]!.result.changes.find((c) => c.level === 'breaking')?.id).toBe('response-required-property-removed');

    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset/minor-only.md'), '---\n"@cleanapp/api-client": minor\n---\n\nNot enough.\n');
    expect((await contractCheck(repo, { npmVersions: noRegistry })).ok).toBe(false);
    writeFileSync(join(repo, '.changeset/drop-seq.md'), '---\n"@cleanapp/api-client": major\n"@cleanapp/contracts": major\n---\n\nIngestReceipt.seq removed.\n');
    expect(await contractCheck(repo, { npmVersions: noRegistry })).toMatchObject({ ok: true, majorChangeset: true });
  });

  it('reads the strongest bump per package from the pending changesets', () => {
    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset/a.md'), '---\n"@cleanapp/events": patch\n"@cleanapp/mocks": major\n---\n\nx\n');
    writeFileSync(join(repo, '.changeset/b.md'), "---\n'@cleanapp/events': minor\n---\n\ny\n");
    writeFileSync(join(repo, '.changeset/README.md'), '# not a changeset\n');
    expect(Object.fromEntries(pendingBumps(repo))).toEqual({ '@cleanapp/events': 'minor', '@cleanapp/mocks': 'major' });
  });
});

describe('contract-check over the support window', () => {
  const writeWindow = (yaml: string) => {
    mkdirSync(join(repo, '.changeset'), { recursive: true });
    writeFileSync(join(repo, '.changeset/support-window.yaml'), yaml);
  };
  // 2.0.0 dropped IngestReceipt.seq (with its major); the working tree is unchanged since.
  const releaseWithoutSeq = () => {
    removeRequiredResponseField();
    commit(repo, 'drop seq');
    git(repo, 'tag', '@cleanapp/contracts@2.0.0');
  };

  it('lists releases oldest first by version, not by tag order', async () => {
    git(repo, 'tag', '@cleanapp/contracts@1.10.0');
    git(repo, 'tag', '@cleanapp/contracts@1.9.0');
    git(repo, 'tag', '@cleanapp/contracts@not-a-version');
    const { releases } = await findReleases(repo, noRegistry);
    expect(releases.map((r) => r.version)).toEqual(['1.0.0', '1.9.0', '1.10.0']);
  });

  it('without a window checks the newest release only: a change released in 2.0.0 is not reported again', async () => {
    releaseWithoutSeq();
    const r = await contractCheck(repo, { npmVersions: noRegistry });
    expect(r.window).toBeUndefined();
    expect(r.results.map((x) => x.against)).toEqual([['2.0.0'], ['2.0.0'], ['2.0.0']]);
    expect(r).toMatchObject({ breaking: 0, ok: true });
  });

  it('fails when a change breaks a release still in the window, naming the oldest release it affects', async () => {
    releaseWithoutSeq();
    writeWindow('"@cleanapp/api-client": "1.0.0"\n');
    const r = await contractCheck(repo, { npmVersions: noRegistry });
    const openapi = r.results.find((x) => x.artefact === 'generated/openapi.json')!;
    expect(openapi.against).toEqual(['1.0.0', '2.0.0']);
    // Only the REST client is held to 1.0.0: the other artefacts are checked against the newest release.
    expect(r.results.filter((x) => x !== openapi).map((x) => x.against)).toEqual([['2.0.0'], ['2.0.0']]);
    const removed = openapi.result.changes.find((c) => c.id === 'response-required-property-removed')!;
    expect(removed).toMatchObject({ level: 'breaking', releases: ['1.0.0'] });
    expect(removed.message).toContain('oldest it affects: 1.0.0');
    expect(r).toMatchObject({ ok: false });
  });

  it('reports a change found against several releases once, with all of them', async () => {
    git(repo, 'tag', '@cleanapp/contracts@1.1.0');
    removeRequiredResponseField();
    writeWindow('"@cleanapp/mocks": "1.0.0"\n');
    const r = await contractCheck(repo, { npmVersions: noRegistry });
    const openapi = r.results.find((x) => x.artefact === 'generated/openapi.json')!;
    const removed = openapi.result.changes.filter((c) => c.id === 'response-required-property-removed');
    expect(removed.length).toBeGreaterThan(0);
    for (const change of removed) expect(change.releases).toEqual(['1.0.0', '1.1.0']);
    // Merged, not listed once per release.
    expect(new Set(openapi.result.changes.map((c) => `${c.id} ${c.location}`)).size).toBe(openapi.result.changes.length);
    expect(r.breaking).toBe(openapi.result.summary.breaking);
  });

  it('skips releases that did not ship an artefact yet (nothing of it to break)', async () => {
    git(repo, 'rm', '-q', 'contracts/generated/asyncapi.json');
    commit(repo, 'no events yet');
    git(repo, 'tag', '-d', '@cleanapp/contracts@1.0.0');
    git(repo, 'tag', '@cleanapp/contracts@0.9.0');
    git(repo, 'checkout', '-q', 'HEAD~1', '--', 'contracts/generated/asyncapi.json');
    commit(repo, 'events');
    git(repo, 'tag', '@cleanapp/contracts@1.0.0');
    writeWindow('"@cleanapp/events": "0.9.0"\n');
    const events = (await contractCheck(repo, { npmVersions: noRegistry })).results.find((x) => x.artefact === 'generated/asyncapi.json')!;
    expect(events).toMatchObject({ against: ['1.0.0'], absentIn: ['0.9.0'] });
  });

  it('picks every release at or after the lowest floor among the packages built from an artefact', () => {
    const rel = (version: string): Release => ({ version, source: 'git', ref: `@cleanapp/contracts@${version}` });
    const releases = ['0.9.0', '1.0.0', '1.2.0', '2.0.0'].map(rel);
    const versions = (a: Parameters<typeof releasesFor>[0], w: Parameters<typeof releasesFor>[2]) => releasesFor(a, releases, w).map((r) => r.version);
    expect(versions('generated/supergraph.graphql', { '@cleanapp/graphql-client': '1.2.0', '@cleanapp/mocks': '1.0.0' })).toEqual(['1.0.0', '1.2.0', '2.0.0']);
    expect(versions('generated/supergraph.graphql', { '@cleanapp/api-client': '0.9.0' })).toEqual(['2.0.0']);
    expect(versions('generated/openapi.json', undefined)).toEqual(['2.0.0']);
    // A floor between releases starts at the next release.
    expect(versions('generated/openapi.json', { '@cleanapp/api-client': '1.1.0' })).toEqual(['1.2.0', '2.0.0']);
  });

  it('refuses a window it cannot apply, naming the field', async () => {
    writeWindow('"@cleanapp/api-clinet": "1.0.0"\n');
    expect(() => readSupportWindow(repo)).toThrow(/support-window\.yaml: "@cleanapp\/api-clinet" is not a released client package/);
    writeWindow('"@cleanapp/api-client": latest\n');
    expect(() => readSupportWindow(repo)).toThrow(/"@cleanapp\/api-client": "latest" is not a version/);
    writeWindow('"@cleanapp/api-client": "3.0.0"\n');
    await expect(contractCheck(repo, { npmVersions: noRegistry })).rejects.toThrow(/"@cleanapp\/api-client": 3\.0\.0 is newer than the newest release \(1\.0\.0\)/);
    writeWindow('- 1.0.0\n');
    expect(() => readSupportWindow(repo)).toThrow(/expected a mapping/);
  });
});
