// Each app-facing package as an app gets it: `npm install <its tarball>` and nothing else into a fresh
// project outside the workspace. A sibling @cleanapp tarball it needed would be a 404 from the registry;
// Node-only or build-time dependencies would land in every app. Then its main export loads as ESM and,
// with Node's require(esm) fallback switched off (as Jest, older Node and bundlers in CJS mode have it),
// as CommonJS. Costs about 20 s with a warm npm cache (three installs side by side).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, createScratchProject, lockedPackages, npmInstall, packOnly } from '../src/consumer.js';
import type { PackedPackage } from '../src/pack.js';
import { appFacing } from '../src/packages.js';

/** An export each package's main entry must offer. */
const expectedExport: Record<string, string> = {
  '@cleanapp/api-client': 'createApiClient',
  '@cleanapp/graphql-client': 'createGraphqlClient',
  '@cleanapp/mocks': 'createHandlers',
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

const exportedNames = async (dir: string, args: string[]) => {
  const result = await command(process.execPath, args, dir);
  expect(result.code, result.output).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
};

describe.each(appFacing.map((p) => p.name))('%s installed alone from its tarball', (name) => {
  it('brings no other @cleanapp package and nothing server-only (amqplib, ajv, federation composition)', () => {
    const locked = lockedPackages(apps.get(name)!);
    expect(locked.filter((p) => p.name.startsWith('@cleanapp/'))).toEqual([{ name, resolved: expect.stringMatching(/^file:.*\.tgz$/) }]);
    expect(locked.map((p) => p.name).filter((n) => serverOnly.includes(n))).toEqual([]);
  });

  it('its main export loads with import and with require (its CommonJS build; no require(esm) fallback for the clients), offering the same names', async () => {
    const dir = apps.get(name)!;
    const esm = await exportedNames(dir, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));`]);
    const cjs = await exportedNames(dir, [
      // msw's own CommonJS build requires rettime, which is ESM-only: mocks needs Node's require(esm) for its peer.
      ...(name === '@cleanapp/mocks' ? [] : ['--no-experimental-require-module']),
      '-e',
      `const m = require(${JSON.stringify(name)}); if (!require.resolve(${JSON.stringify(name)}).endsWith('.cjs')) throw new Error('require did not pick the CommonJS build: ' + require.resolve(${JSON.stringify(name)})); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort()));`,
    ]);
    expect(esm).toContain(expectedExport[name]);
    expect(cjs).toEqual(esm);
  });
});
