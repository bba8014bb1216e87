import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Embedded PGlite needs ~8 s to boot its WASM Postgres on 2 cores.
    hookTimeout: 30_000,
    testTimeout: 15_000,
  },
});
