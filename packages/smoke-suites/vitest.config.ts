import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// dist/ holds the compiled suites: they run against a target through cleanapp-smoke, never here.
export default mergeConfig(sharedConfig, defineConfig({ test: { include: ['src/**/*.test.ts'] } }));
