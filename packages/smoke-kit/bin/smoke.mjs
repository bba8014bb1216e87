#!/usr/bin/env node
// `cleanapp-smoke`: the built CLI (dist/cli.js, what the published package ships). Inside this
// workspace, where src/ exists, it runs the TypeScript sources through tsx (a devDependency) instead,
// so an edit needs no rebuild.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/cli.js');
}
cli.runCli(process.argv.slice(2));
