import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // The parity test boots the reference stack (broker, database, token issuer) in beforeAll.
      hookTimeout: 60_000,
      testTimeout: 20_000,
    },
  }),
);
