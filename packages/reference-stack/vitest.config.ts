import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // Embedded PGlite needs ~8 s to boot its WASM Postgres on 2 cores.
      hookTimeout: 30_000,
      testTimeout: 15_000,
    },
  }),
);
