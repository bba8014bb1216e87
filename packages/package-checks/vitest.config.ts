import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    // Packing, npm install and tsc are slow by nature; the int test also starts the reference stack.
    // test/fixtures/ holds consumer projects (a Jest suite among them) that run outside the workspace, not here.
    test: { testTimeout: 240_000, hookTimeout: 240_000, exclude: [...configDefaults.exclude, 'test/fixtures/**'] },
  }),
);
