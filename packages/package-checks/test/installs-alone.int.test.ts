// Each app-facing package as an app gets it: `npm install <its tarball>` and nothing else into a fresh
// project outside the workspace. A sibling @cleanapp tarball it needed would be a 404 from the registry;
// Node-only or build-time dependencies would land in every app. Then its main export loads as ESM and,
// with Node's require(esm) fallback switched off (as Jest, older Node and bundlers in CJS mode have it),
// as CommonJS. Costs about 30 s with a warm npm cache (three installs side by side).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, createScratchProject, lockedPackages, npmInstall, packOnly } from '../src/consumer.js';
import type { PackedPackage } from '../src/pack.js';
import { appFacing } from '../src/packages.js';

/** An export each package's main entry must offer, and a call of it whose result shows it works (`m` is the module). */
const expectedExport: Record<string, { name: string; use: string; gives: string }> = {
  '@cleanapp/api-client': { name: 'createApiClient', use: "typeof m.createApiClient({ baseUrl: 'https://api.example' }).GET", gives: 'function' },
  '@cleanapp/graphql-client': { name: 'createGraphqlClient', use: "typeof m.createGraphqlClient({ url: 'https://api.example/graphql' }).request", gives: 'function' },
  '@cleanapp/mocks': { name: 'createHandlers', use: 'typeof m.createHandlers()[0]', gives: 'object' },
};
/** What an app that only wants fetch calls (or MSW handlers) must not receive. */
const serverOnly = ['amqplib', 'ajv', '@theguild/federation-composition'];

const apps = new Map<string, string>();
const cleanup: string[] = [];
let packed: PackedPackage[] = [];

beforeAll(async () => {
  packed = await packOnly(appFacing.map((p) => p.name));
  cleanup.push(join(packed[0]!.tarball, '..'));
  await Promise.all(
    packed.map(async (pkg) => {
      const dir = createScratchProject(`alone-${pkg.name.split('/')[1]}`, { name: 'cleanapp-alone' });
      cleanup.push(dir);
      await npmInstall(dir, [pkg.tarball]);
      apps.set(pkg.name, dir);
    }),
  );
}, 300_000);
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** Runs `node <args>`; its last stdout line is `{ names, used }`: the module's export names and the call's result. */
const loaded = async (dir: string, args: string[]) => {
  const result = await command(process.execPath, args, dir);
  expect(result.code, result.output).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { names: string[]; used: string };
};
const report = (name: string) =>
  `console.log(JSON.stringify({ names: Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort(), used: ${expectedExport[name]!.use} }));`;

describe.each(appFacing.map((p) => p.name))('%s installed alone from its tarball', (name) => {
  it('brings no other @cleanapp package and nothing server-only (amqplib, ajv, federation composition)', () => {
    const locked = lockedPackages(apps.get(name)!);
    expect(locked.filter((p) => p.name.startsWith('@cleanapp/'))).toEqual([{ name, resolved: expect.stringMatching(/^file:.*\.tgz$/) }]);
    expect(locked.map((p) => p.name).filter((n) => serverOnly.includes(n))).toEqual([]);
  });

  it('its main export loads and works with import and with require (its CommonJS build; no require(esm) fallback for the clients), offering the same names', async () => {
    const dir = apps.get(name)!;
    const esm = await loaded(dir, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); ${report(name)}`]);
    const cjs = await loaded(dir, [
      // msw's own CommonJS build requires rettime, which is ESM-only: mocks needs Node's require(esm) for its peer.
      ...(name === '@cleanapp/mocks' ? [] : ['--no-experimental-require-module']),
      '-e',
      `const m = require(${JSON.stringify(name)}); if (!require.resolve(${JSON.stringify(name)}).endsWith('.cjs')) throw new Error('require did not pick the CommonJS build: ' + require.resolve(${JSON.stringify(name)})); ${report(name)}`,
    ]);
    expect(esm.names).toContain(expectedExport[name]!.name);
    expect(cjs.names).toEqual(esm.names);
    // Calling the factory, not just listing it: a CommonJS build can export a function that then fails.
    expect([esm.used, cjs.used]).toEqual([expectedExport[name]!.gives, expectedExport[name]!.gives]);
  });
});
