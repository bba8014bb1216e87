import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // These spawn pnpm/turbo and whole stacks; PGlite alone boots in ~8 s on 2 cores.
      testTimeout: 120_000,
      hookTimeout: 60_000,
      fileParallelism: false,
    },
  }),
);
