// React Native as a mobile team has it: @cleanapp/api-client and @cleanapp/graphql-client installed from their
// tarballs (and nothing else of ours) into a fresh project, screen modules bundled by Metro with the React Native Babel preset (the `react-native` export
// condition on), and the bundle run in a real Hermes VM (hermes-engine-cli's linux binary) that has no
// `crypto` at all. Fetch is RN's (whatwg-fetch over XMLHttpRequest); the request leaves the VM through a
// host bridge, as RN's native networking module does, and reaches a real reference stack.
// Costs about 75 s with a warm npm cache on a busy 2-core machine (one npm install of ~240 packages incl. the
// 57 MB Hermes tarball, a Metro build of ~8 s, the stack's start); a cold cache adds the download.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { command, createScratchProject, lockedPackages, npmInstall, packOnly } from '../src/consumer.js';
import { graphqlJsMarker } from '../src/bundle-size.js';
import { runInHermes } from '../src/hermes.js';
import { seedVisibleReport } from '../src/seed-report.js';

// Versions whose engines accept Node 20 (metro ≥ 0.85 and the preset ≥ 0.85 need Node 22).
const toolchain = ['metro@0.84.6', 'metro-config@0.84.6', '@react-native/babel-preset@0.84.1', '@babel/core@7.29.17', 'hermes-engine-cli@0.12.0'];
// What React Native itself depends on for its fetch and AbortController globals.
const rnPolyfills = ['whatwg-fetch@3.6.20', 'abort-controller@3.0.0'];
const fixture = fileURLToPath(new URL('./fixtures/react-native/', import.meta.url));

let app: string;
let stack: RunningStack;
const cleanup: string[] = [];

beforeAll(async () => {
  const packed = await packOnly(['@cleanapp/api-client', '@cleanapp/graphql-client']);
  cleanup.push(join(packed[0]!.tarball, '..'));
  app = createScratchProject('react-native', { name: 'cleanapp-rn-screen' }, fixture);
  cleanup.push(app);
  [stack] = await Promise.all([startStack(), npmInstall(app, [...packed.map((p) => p.tarball), ...toolchain, ...rnPolyfills])]);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

it('installs the two clients from their tarballs and no other @cleanapp package, and no graphql-js at all', () => {
  const locked = lockedPackages(app);
  expect(locked.filter((p) => p.name.startsWith('@cleanapp/')).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: '@cleanapp/api-client', resolved: expect.stringMatching(/^file:.*cleanapp-api-client-.*\.tgz$/) },
    { name: '@cleanapp/graphql-client', resolved: expect.stringMatching(/^file:.*cleanapp-graphql-client-.*\.tgz$/) },
  ]);
  expect(locked.map((p) => p.name)).not.toContain('graphql');
});

it('a Metro bundle of the screens runs in Hermes without crypto: the list (REST) has the stack\'s report, with a UUID X-Request-ID, and the detail (GraphQL) reads it', async () => {
  const built = await command(process.execPath, ['metro-build.cjs'], app);
  expect(built.code, built.output).toBe(0);
  const bundle = readFileSync(join(app, 'bundle.js'), 'utf8');
  expect(bundle).toContain('/api/v4/reports/near');
  // Metro does not tree-shake: what the GraphQL client imports is all in there, and graphql-js must not be.
  expect(bundle).toContain('query ReportById');
  expect(bundle).not.toMatch(graphqlJsMarker);

  // A report near the screen's position, submitted through the API and visible to the query.
  const publicId = await seedVisibleReport(stack, { sourceId: `rn-screen-${stack.id}`, latitude: 52.5201, longitude: 13.4051, title: 'seen from a phone' });
  const reader = await stack.token('report:read');
  const base = stack.target.rest.baseUrl;

  const props = { baseUrl: base, token: reader, latitude: 52.52, longitude: 13.405 };
  const hermes = join(app, 'node_modules/hermes-engine-cli/linux64-bin/hermes');
  const run = await runInHermes(hermes, {
    scripts: [readFileSync(join(app, 'hermes-host.js'), 'utf8'), bundle],
    // What the VM offers, printed from inside it, then the screen.
    call: `print('@@env ' + JSON.stringify({ crypto: typeof crypto, hermes: typeof HermesInternal })), __openScreen(${JSON.stringify(props)})`,
    resultMarker: '@@screen ',
    errorMarker: '@@screen-error',
  });
  const env = run.output.match(/@@env (\{.*\})/)?.[1];
  expect(JSON.parse(env ?? '{}')).toEqual({ crypto: 'undefined', hermes: 'object' });

  const screen = JSON.parse(run.result) as { status: number; requestId: string; rows: { key: string; title: string }[] };
  expect(screen.status).toBe(200);
  expect(screen.rows).toContainEqual({ key: publicId, title: 'seen from a phone' });
  expect(run.requests).toHaveLength(1);
  const sent = run.requests[0]!;
  expect(sent.url).toMatch(new RegExp(`^${base}/api/v4/reports/near\\?`));
  expect(sent.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The server took the app's id (it echoes it): the id went over the wire, not just into a log.
  expect(screen.requestId).toBe(sent.headers['x-request-id']);

  // The detail screen: the same report through the GraphQL client, in a fresh VM.
  const detail = await runInHermes(hermes, {
    scripts: [readFileSync(join(app, 'hermes-host.js'), 'utf8'), bundle],
    call: `__openReportScreen(${JSON.stringify({ graphqlUrl: stack.target.graphql.url, token: reader, publicId })})`,
    resultMarker: '@@screen ',
    errorMarker: '@@screen-error',
  });
  expect(JSON.parse(detail.result)).toEqual({ publicId, title: 'seen from a phone' });
  expect(detail.requests.map((r) => [r.method, r.url, r.headers['x-request-id']])).toEqual([['POST', stack.target.graphql.url, expect.stringMatching(/^[0-9a-f-]{36}$/)]]);
});
