import { defineConfig } from 'tsup';

// The published build: ESM for Node 20, every package external (tsup leaves dependencies and optional
// dependencies out; testcontainers is imported lazily, only when no broker/database answers). Entries sit
// side by side in dist/ (testing.js, not testing/index.js) and shared code lands in chunks there.
// cli.js is the `cleanapp-stack` bin: its #! line comes from src/cli.ts. Runtime files are found through
// package exports (installation.ts, @cleanapp/contracts' paths), so dist/ needs no copied assets.
export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  external: ['testcontainers', /^@testcontainers\//],
  clean: true,
  outDir: 'dist',
});
