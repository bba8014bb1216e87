import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headCommit } from './version.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('headCommit', () => {
  it('is what git rev-parse HEAD says for this checkout', () => {
    const git = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname }).toString().trim();
    expect(headCommit(import.meta.dirname)).toBe(git);
  });

  it('follows a worktree\'s gitdir file to its HEAD and the shared packed refs', () => {
    const root = mkdtempSync(join(tmpdir(), 'head-commit-'));
    const common = join(root, 'repo.git');
    const worktreeGitDir = join(common, 'worktrees', 'wt');
    mkdirSync(worktreeGitDir, { recursive: true });
    writeFileSync(join(worktreeGitDir, 'HEAD'), 'ref: refs/heads/feature\n');
    writeFileSync(join(worktreeGitDir, 'commondir'), '../..\n');
    writeFileSync(join(common, 'packed-refs'), `# pack-refs with: peeled\n${B} refs/heads/main\n${A} refs/heads/feature\n`);
    const checkout = join(root, 'wt', 'packages', 'x');
    mkdirSync(checkout, { recursive: true });
    writeFileSync(join(root, 'wt', '.git'), `gitdir: ${worktreeGitDir}\n`);
    expect(headCommit(checkout)).toBe(A);
  });

  it('reads a detached HEAD, and nothing outside a checkout', () => {
    const root = mkdtempSync(join(tmpdir(), 'head-commit-'));
    mkdirSync(join(root, 'repo', '.git'), { recursive: true });
    writeFileSync(join(root, 'repo', '.git', 'HEAD'), `${B}\n`);
    expect(headCommit(join(root, 'repo'))).toBe(B);
    expect(headCommit('/')).toBeUndefined();
  });
});
