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
  /** A runner, not a library: no `sideEffects: false` claim is expected (its CLI runs when started). */
  runner?: true;
  /**
   * Ships files another package runs instead of a module entry (the compiled suites): no `main`/`types`,
   * and `*.test.js` files are its content.
   */
  content?: 'suites';
}

/**
 * Every package this repo publishes. Adding one (e.g. @cleanapp/mocks) = the same three package.json
 * changes (`scripts.build` with tsup, `publishConfig.exports/main/types` to dist, `files`) plus a row here.
 */
export const publishedPackages: PublishedPackage[] = [
  { name: '@cleanapp/contracts', dir: 'contracts', dataEntrypoints: ['./supergraph.graphql'] },
  { name: '@cleanapp/api-client', dir: 'packages/api-client', browserSafe: ['.'] },
  { name: '@cleanapp/graphql-client', dir: 'packages/graphql-client', dataEntrypoints: ['./schema.graphql'], browserSafe: ['.'] },
  // `./node` (amqplib topology, publisher, consumer) is Node-only by design.
  { name: '@cleanapp/events', dir: 'packages/events', browserSafe: ['.'] },
  // `./node` (setupServer, a WebSocket global for Node 20) is Node-only by design.
  { name: '@cleanapp/mocks', dir: 'packages/mocks', browserSafe: ['.'] },
  // The embedded stack (`npx cleanapp-stack`); smoke-kit's optional peer.
  { name: '@cleanapp/reference-stack', dir: 'packages/reference-stack', localHosts: 'a local server: listens on 127.0.0.1 and tries the broker and database there by default' },
  // The suites the runner runs (suites/* compiled); the runner depends on them.
  { name: '@cleanapp/smoke-suites', dir: 'packages/smoke-suites', content: 'suites' },
  // The `cleanapp-smoke` runner; @cleanapp/reference-stack (the embedded stack) is an optional peer.
  { name: '@cleanapp/smoke-kit', dir: 'packages/smoke-kit', runner: true },
  // The diff library and its `contract-diff` bin (dist/cli.js); the smoke suites import it.
  { name: '@cleanapp/contract-diff', dir: 'packages/contract-diff' },
];
