#!/usr/bin/env node
// `cleanapp-smoke`: the built CLI (dist/cli.js, what the published package ships). Inside this workspace,
// where src/ sits next to dist/, it runs the workspace packages as published (workspace-dist.mjs) when
// every build is at least as new as its sources; otherwise it runs the TypeScript sources through tsx
// (a devDependency; several CPU-seconds slower) after a one-line hint, so an edit needs no rebuild and a
// stale build never answers for edited sources.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DIST_CONDITION, freshSuitePackages, runtimePackages, staleBuilds } from './workspace-dist.mjs';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
let options = {};
if (!existsSync(source)) {
  cli = await import('../dist/cli.js');
} else {
  const kitDir = fileURLToPath(new URL('..', import.meta.url));
  const packages = runtimePackages('@cleanapp/smoke-kit', kitDir);
  const stale = staleBuilds(packages);
  // `node --conditions=cleanapp-dist` (the root `pnpm smoke`) resolves every workspace package to its dist/
  // by itself; otherwise a resolve hook does (module loading then runs through Node 20's hooks thread).
  const startedWithDistCondition = process.execArgv.some((a, i, all) => a === `--conditions=${DIST_CONDITION}` || (a === '--conditions' && all[i + 1] === DIST_CONDITION));
  if (stale.length === 0) {
    if (!startedWithDistCondition) register('./published-exports.mjs', import.meta.url, { data: { packages } });
    cli = await import('../dist/cli.js');
    const suitePackages = freshSuitePackages(kitDir);
    options = { publishedPackages: suitePackages.packages, ...(suitePackages.complete ? { distCondition: DIST_CONDITION } : {}) };
  } else {
    process.stderr.write(`cleanapp-smoke: ${stale.join('; ')}; running the sources through tsx (pnpm build for the fast path)\n`);
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    // Registered last, so it runs first: the sources must not resolve workspace packages to their stale dist/.
    if (startedWithDistCondition) register('./without-dist-condition.mjs', import.meta.url, { data: { condition: DIST_CONDITION } });
    cli = await import(source.href);
  }
}
cli.runCli(process.argv.slice(2), options);
