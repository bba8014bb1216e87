#!/usr/bin/env node
// `cleanapp-stack`: loads the TypeScript CLI in this process through tsx's loader, so signals
// (SIGTERM from compose/systemd) reach the stack itself and it shuts down cleanly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
