// Shared vitest settings: every run also writes a JSON report, which .ci/run adds up into its
// `N passed, N failed` line (vitest's own summary undercounts suites that fail in beforeAll).
import type { ViteUserConfig } from 'vitest/config';

const task = process.env.npm_lifecycle_event ?? 'test';

export const sharedConfig: ViteUserConfig = {
  // graphql ships .js and .mjs without `exports`; pin one copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: `.reports/vitest-${task.replace(/[^a-z0-9-]/gi, '-')}.json` },
  },
};
