// A TypeScript project in CommonJS mode (package.json without "type", `module: node16`) that imports the three
// app-facing packages from their tarballs: tsc resolves their `require` conditions and types, compiles to
// require() calls, and the output runs. Costs about 20–30 s (one npm install of ~60 packages, three tsc runs).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command, createScratchProject, npmInstall, packOnly, typesNodeVersion } from '../src/consumer.js';
import { appFacing } from '../src/packages.js';

const fixture = fileURLToPath(new URL('./fixtures/commonjs-types/', import.meta.url));
let app: string;
const cleanup: string[] = [];

beforeAll(async () => {
  const packed = await packOnly(appFacing.map((p) => p.name));
  cleanup.push(join(packed[0]!.tarball, '..'));
  app = createScratchProject('commonjs-types', { name: 'cleanapp-commonjs-app' }, fixture);
  cleanup.push(app);
  await npmInstall(app, [...packed.map((p) => p.tarball), 'typescript@5.9.3', `@types/node@${typesNodeVersion}`]);
}, 300_000);
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

const tsc = (project: string) => command(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'], app);

it('type-checks and compiles to require() calls that run: api-client, graphql-client, mocks and mocks/node', async () => {
  const compiled = await tsc('tsconfig.json');
  expect(compiled.output).toBe('');
  expect(compiled.code).toBe(0);
  const run = await command(process.execPath, ['dist/main.js'], app);
  expect(run.code, run.output).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toEqual({ handlers: true, listen: 'function', query: 'function' });
});

it('the two clients type-check with skipLibCheck off too (their CommonJS declarations are checked themselves)', async () => {
  // Not the mocks: msw 2.15's own declarations import ESM-only packages (rettime, type-fest) and fail with
  // TS1479 in a CommonJS project whenever library checking is on, whatever imports them.
  const checked = await tsc('tsconfig.clients.json');
  expect(checked.output).toBe('');
  expect(checked.code).toBe(0);
});

it('the types are real: an unknown path and a wrong field are errors', async () => {
  const wrong = await tsc('wrong');
  expect(wrong.code).not.toBe(0);
  expect(wrong.output).toMatch(/wrong\/wrong\.ts\(5,\d+\): error TS\d+/);
  expect(wrong.output).toMatch(/wrong\/wrong\.ts\(6,\d+\): error TS2339: Property 'title_text' does not exist/);
});
