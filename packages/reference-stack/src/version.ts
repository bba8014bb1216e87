import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { components } from '@cleanapp/api-client';
import { installedAsDependency, packageManifest, packageRoot } from './installation.js';

const startedAt = new Date().toISOString();

let checkoutSha: string | undefined;
/** The checkout's commit, asked of git once per process: every service of a stack reports it (one spawn, not seven). */
function gitSha(): string {
  // An installed copy has no commit of its own (a repo around node_modules is the consumer's).
  if (installedAsDependency) return 'unknown';
  try {
    checkoutSha ??= execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'ignore'] })
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
