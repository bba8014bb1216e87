// The embedded reference stack installed from its tarball (and those of the packages it depends on) into an
// app outside the workspace, run as a user would: `npx cleanapp-stack`. It resolves the broker and the
// database as it does anywhere (AMQP_URL / DATABASE_URL, else 127.0.0.1, else testcontainers, else PGlite).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerApp, hasBuild } from '../src/consumer.js';
import { publishedClosure, startInstalledStack, type InstalledStack } from '../src/installed-stack.js';
import { buildPackages, packPackages } from '../src/pack.js';
import { repoRoot } from '../src/packages.js';

const packages = publishedClosure('@cleanapp/reference-stack');
const cleanup: string[] = [];
let app: string;
let stack: InstalledStack | undefined;

beforeAll(async () => {
  if (!packages.every((p) => hasBuild(p.dir))) await buildPackages(packages);
  const packed = await packPackages(packages);
  cleanup.push(join(packed[0]!.tarball, '..'));
  app = await createConsumerApp(packed, { fixture: false });
  cleanup.push(app);
});
afterAll(() => {
  stack?.kill();
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

it('needs only published packages: the contracts, the API client and the events', () => {
  expect(packages.map((p) => p.name).sort()).toEqual(['@cleanapp/api-client', '@cleanapp/contracts', '@cleanapp/events', '@cleanapp/reference-stack']);
});

describe('npx cleanapp-stack in an app that installed the tarballs', () => {
  it('runs the built JavaScript (no tsx installed), writes its target file in the working directory, answers health and version', async () => {
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    stack = await startInstalledStack(app);
    expect(stack.targetFile).toMatch(new RegExp(`^${app}/\\.stack/target-stack_[0-9a-f]+\\.json$`));
    const health = await fetch(`${stack.target.rest.baseUrl}/api/v4/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', dependencies: { amqp: { status: 'up' }, db: { status: 'up' } } });
    const version = (await (await fetch(`${stack.target.rest.baseUrl}/version`)).json()) as { version: string; git_sha: string };
    const { version: packed } = JSON.parse(readFileSync(join(repoRoot, 'packages/reference-stack/package.json'), 'utf8')) as { version: string };
    // Installed, it reports the package's version and no commit (a git repo around the app would be the app's).
    expect(version).toMatchObject({ version: packed, git_sha: 'unknown' });
  });

  it('stops on SIGTERM to npx: no process of its group is left, its throwaway target file is removed, no cleanup failed', async () => {
    expect(stack, 'the stack started').toBeDefined();
    await stack!.stop('SIGTERM');
    expect(existsSync(stack!.targetFile), stack!.log()).toBe(false);
    expect(stack!.log()).toMatch(/\[stack\] (SIGTERM|launcher gone)/);
    expect(stack!.log()).not.toMatch(/\[stack\] (cleanup:|stop failed|not stopped)/);
  });
});
