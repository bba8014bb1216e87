#!/usr/bin/env node
// `cleanapp-smoke`: the built CLI (dist/cli.js, what the published package ships). Inside this workspace,
// where src/ sits next to dist/, it runs the workspace packages as published (workspace-dist.mjs) when
// every build is at least as new as its sources; otherwise it runs the TypeScript sources through tsx
// (a devDependency; several CPU-seconds slower) after a one-line hint, so an edit needs no rebuild and a
// stale build never answers for edited sources.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freshSuitePackages, runtimePackages, staleBuilds } from './workspace-dist.mjs';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
let options = {};
if (!existsSync(source)) {
  cli = await import('../dist/cli.js');
} else {
  const kitDir = fileURLToPath(new URL('..', import.meta.url));
  const packages = runtimePackages('@cleanapp/smoke-kit', kitDir);
  const stale = staleBuilds(packages);
  if (stale.length === 0) {
    register('./published-exports.mjs', import.meta.url, { data: { packages } });
    cli = await import('../dist/cli.js');
    options = { publishedPackages: freshSuitePackages(kitDir) };
  } else {
    process.stderr.write(`cleanapp-smoke: ${stale.join('; ')}; running the sources through tsx (pnpm build for the fast path)\n`);
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    cli = await import(source.href);
  }
}
cli.runCli(process.argv.slice(2), options);
