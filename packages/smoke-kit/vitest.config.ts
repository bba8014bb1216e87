import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// Unit tests of the kit itself (no live services). The suites under ../../suites run through the CLI.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      // The CLI tests spawn processes; generous on a loaded 2-core machine.
      testTimeout: 90_000,
    },
  }),
);
