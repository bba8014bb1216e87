import { defineConfig } from 'tsup';

// One ESM build of every published export plus the CLI (bin/smoke.mjs runs dist/cli.js); shared code lands
// in chunks. `./testing` (the fake target, a local server for this repo's tests) is not published.
// Packages stay external (tsup leaves dependencies and peers out); @cleanapp/reference-stack is only
// imported by a computed specifier when no --target is given.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    options: 'src/options.ts',
    'perf/index': 'src/perf/index.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: true,
  clean: true,
  outDir: 'dist',
});
