import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { components } from '@cleanapp/api-client';
import { installedAsDependency, packageManifest, packageRoot } from './installation.js';

const startedAt = new Date().toISOString();

/**
 * HEAD's commit read from the checkout's files (`.git` a directory, or a worktree's `gitdir:` file; loose or
 * packed refs), without starting git: the stack starts faster. Undefined where the layout is not that.
 */
export function headCommit(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      const gitDir = statSync(dotGit).isFile() ? resolve(dir, readFileSync(dotGit, 'utf8').replace(/^gitdir:\s*/, '').trim()) : dotGit;
      const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
      const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
      if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? head : undefined;
      const commonFile = join(gitDir, 'commondir');
      const common = existsSync(commonFile) ? resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
      for (const base of [gitDir, common]) if (existsSync(join(base, ref))) return readFileSync(join(base, ref), 'utf8').trim();
      const packed = join(common, 'packed-refs');
      return existsSync(packed) ? readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0] : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let checkoutSha: string | undefined;
/** The checkout's commit, looked up once per process: every service of a stack reports it. */
function gitSha(): string {
  // An installed copy has no commit of its own (a repo around node_modules is the consumer's).
  if (installedAsDependency) return 'unknown';
  try {
    checkoutSha ??=
      headCommit(packageRoot)?.slice(0, 12) ??
      execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
  } catch {
    checkoutSha = 'unknown';
  }
  return checkoutSha;
}

/**
 * Build identity: GIT_SHA/BUILD_TIME when the build sets them (containers), otherwise the checkout's
 * commit and the process start. config_version hashes the non-secret configuration.
 */
export function versionInfo(
  service: string,
  mode: components['schemas']['Version']['runtime_mode'],
  authRequired: boolean,
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): components['schemas']['Version'] {
  return {
    service,
    version: packageManifest.version,
    git_sha: env.GIT_SHA || gitSha(),
    build_time: env.BUILD_TIME || startedAt,
    config_version: createHash('sha256').update(JSON.stringify({ ...config, authRequired })).digest('hex').slice(0, 12),
    runtime_mode: mode,
    auth_required: authRequired,
  };
}
