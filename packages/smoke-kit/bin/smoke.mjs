#!/usr/bin/env node
// `cleanapp-smoke`: runs src/cli.ts through tsx (the package ships TypeScript sources).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
runCli(process.argv.slice(2));
