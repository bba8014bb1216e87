import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface PublishedPackage {
  /** npm name. */
  name: string;
  /** Directory relative to the repository root. */
  dir: string;
  /**
   * Export subpaths that are data, not modules (attw can't resolve `.graphql` as a module).
   * `.json` subpaths and wildcards need no entry: attw reports them as JSON / wildcard.
   */
  dataEntrypoints?: string[];
  /** Export subpaths that must not import Node built-ins (browsers, React Native). */
  browserSafe?: string[];
  /**
   * Why this package may name local hosts, which the host scan then skips: a server's own defaults (the
   * loopback address it listens on, the local broker and database it tries first), not a client's endpoint.
   */
  localHosts?: string;
  /**
   * Lines of published files that may name a local host, each with its reason: a loopback address of a process
   * the package itself starts on this machine (not an endpoint it would call). The rest of the package is scanned.
   */
  localHostLines?: { pattern: RegExp; why: string }[];
  /** A runner, not a library: no `sideEffects: false` claim is expected (its CLI runs when started). */
  runner?: true;
  /**
   * Ships files another package runs instead of a module entry (the compiled suites): no `main`/`types`,
   * and `*.test.js` files are its content.
   */
  content?: 'suites';
  /**
   * Installed by web and mobile apps: must install alone from its tarball (no sibling @cleanapp tarball,
   * nothing Node-only) and is measured as a minified+gzipped browser bundle of its main entry.
   */
  appFacing?: true;
  /**
   * The committed size limit, in bytes, with headroom over today's size so that a change that doubles the
   * package fails: of the main entry's minified+gzipped browser bundle for app-facing packages (what an app
   * ships), else of the tarball. Raise it knowingly, with the measured size in the commit message.
   */
  sizeLimit: number;
  /** Left out of the main entry's bundle: what the app brings itself (MSW apps have msw and its graphql). */
  bundleExternal?: string[];
}

// Sizes on 2026-12-06 (bytes): main-entry bundles (gzipped) api-client 9 350 (token helpers, PKCE with its own
// SHA-256), graphql-client 7 693 (no graphql-js), mocks 7 798 (msw left out); tarballs contracts 94 514, events
// 27 182, reference-stack 73 248, smoke-suites 39 333, smoke-kit 63 651, contract-diff 90 122. Limits are about
// 1.5× that, so a change that doubles one fails.
/**
 * Every package this repo publishes. Adding one (e.g. @cleanapp/mocks) = the same three package.json
 * changes (`scripts.build` with tsup, `publishConfig.exports/main/types` to dist, `files`) plus a row here.
 */
export const publishedPackages: PublishedPackage[] = [
  { name: '@cleanapp/contracts', sizeLimit: 140_000, dir: 'contracts', dataEntrypoints: ['./supergraph.graphql'] },
  { name: '@cleanapp/api-client', appFacing: true, sizeLimit: 13_500, dir: 'packages/api-client', browserSafe: ['.'] },
  { name: '@cleanapp/graphql-client', appFacing: true, sizeLimit: 11_500, dir: 'packages/graphql-client', dataEntrypoints: ['./schema.graphql'], browserSafe: ['.'] },
  // `./node` (amqplib topology, publisher, consumer) is Node-only by design.
  { name: '@cleanapp/events', sizeLimit: 40_000, dir: 'packages/events', browserSafe: ['.'] },
  // `./node` (setupServer, a WebSocket global for Node 20) is Node-only by design.
  { name: '@cleanapp/mocks', appFacing: true, sizeLimit: 11_500, dir: 'packages/mocks', browserSafe: ['.'], bundleExternal: ['msw', 'msw/*', 'graphql'] },
  // The embedded stack (`npx cleanapp-stack`); smoke-kit's optional peer.
  { name: '@cleanapp/reference-stack', sizeLimit: 110_000, dir: 'packages/reference-stack', localHosts: 'a local server: listens on 127.0.0.1 and tries the broker and database there by default' },
  // The suites the runner runs (suites/* compiled); the runner depends on them.
  { name: '@cleanapp/smoke-suites', sizeLimit: 60_000, dir: 'packages/smoke-suites', content: 'suites' },
  // The `cleanapp-smoke` runner; @cleanapp/reference-stack (the embedded stack) is an optional peer.
  {
    name: '@cleanapp/smoke-kit',
    sizeLimit: 92_000,
    dir: 'packages/smoke-kit',
    runner: true,
    localHostLines: [
      { pattern: /--remote-debugging-address=127\.0\.0\.1/, why: 'the Chromium it starts for browser suites binds its debugging port to loopback only' },
      { pattern: /`ws:\/\/127\.0\.0\.1:<port>\/devtools\/browser\/<id>`/, why: 'the doc comment of that endpoint' },
    ],
  },
  // The diff library and its `contract-diff` bin (dist/cli.js); the smoke suites import it.
  { name: '@cleanapp/contract-diff', sizeLimit: 135_000, dir: 'packages/contract-diff' },
];

/** The packages web and mobile apps install (`appFacing`). */
export const appFacing = publishedPackages.filter((p) => p.appFacing);
