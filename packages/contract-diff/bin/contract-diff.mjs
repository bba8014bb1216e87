#!/usr/bin/env node
// contract-diff: runs the built CLI, dist/cli.js (what the published package ships; it imports only
// what the input needs). Inside this workspace src/ sits next to dist/: when dist/ is missing or older
// than a source file, the CLI runs from src/ through tsx (a devDependency; about a second slower) after
// a one-line hint, so a stale build never answers for edited sources.
import { existsSync, readdirSync, statSync } from 'node:fs';

const dist = new URL('../dist/cli.js', import.meta.url);
const src = new URL('../src/', import.meta.url);

function newestSourceMtime() {
  let newest = 0;
  for (const f of readdirSync(src, { recursive: true })) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(new URL(f, src)).mtimeMs);
  }
  return newest;
}

let cli;
if (existsSync(src) && (!existsSync(dist) || newestSourceMtime() > statSync(dist).mtimeMs)) {
  const why = existsSync(dist) ? 'dist/ is older than src/' : 'dist/ is not built';
  process.stderr.write(`contract-diff: ${why}; running the sources through tsx (pnpm --filter @cleanapp/contract-diff build for the fast path)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('cli.ts', src).href);
} else {
  cli = await import(dist.href);
}
cli.runCli();
