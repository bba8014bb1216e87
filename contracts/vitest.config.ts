import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships .js and .mjs without `exports`; pin one copy (TOOLCHAIN.md G1).
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
});
