// A Jest project as a frontend team sets one up: jest with babel-jest's CommonJS transform (Babel's preset-env
// for the test's import syntax, node_modules left untransformed) and @cleanapp/mocks + @cleanapp/api-client
// from their tarballs. Its test (test/fixtures/jest) starts `setupMockServer` from @cleanapp/mocks/node and
// calls the API client against it. Costs about 30–80 s (one npm install of ~410 packages, a 3 s Jest run).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command, createScratchProject, lockedPackages, npmInstall, packOnly } from '../src/consumer.js';

const fixture = fileURLToPath(new URL('./fixtures/jest/', import.meta.url));
const jest = ['jest@30.5.2', '@babel/preset-env@7.29.17'];

let app: string;
const cleanup: string[] = [];

beforeAll(async () => {
  const packed = await packOnly(['@cleanapp/api-client', '@cleanapp/mocks']);
  cleanup.push(join(packed[0]!.tarball, '..'));
  // No "type": Jest's default CommonJS world.
  app = createScratchProject('jest', { name: 'cleanapp-jest-app' }, fixture);
  cleanup.push(app);
  await npmInstall(app, [...packed.map((p) => p.tarball), ...jest]);
}, 300_000);
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

interface JestResults {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[]; message: string }[];
}

it('runs the MSW handlers of @cleanapp/mocks/node against @cleanapp/api-client in Jest: every test passes', async () => {
  // msw is a peer of @cleanapp/mocks: npm installed it beside, from the registry.
  expect(lockedPackages(app).map((p) => p.name)).toEqual(expect.arrayContaining(['msw', '@cleanapp/mocks', '@cleanapp/api-client']));
  const run = await command(process.execPath, [join(app, 'node_modules/jest/bin/jest.js'), '--ci', '--json', '--outputFile=results.json'], app);
  const results = JSON.parse(readFileSync(join(app, 'results.json'), 'utf8')) as JestResults;
  const failures = results.testResults.flatMap((f) => [f.message, ...f.assertionResults.flatMap((a) => a.failureMessages)]).filter(Boolean);
  expect(failures, run.output).toEqual([]);
  expect(results.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a.status]))).toEqual([
    ['reads the health example, with the request id echoed', 'passed'],
    ['a per-test override answers the contract 404 example as the typed error envelope', 'passed'],
    ['the card is read as SVG text', 'passed'],
    ['Jest loaded the CommonJS builds of both packages', 'passed'],
  ]);
  expect([results.success, results.numPassedTests, results.numFailedTests]).toEqual([true, 4, 0]);
  expect(run.code).toBe(0);
});
