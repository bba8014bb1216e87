import { defineConfig } from 'tsup';

// ESM for Node 20, one file per entry plus shared chunks, every dependency external. The engines behind
// dynamic import() (GraphQL, events, subgraph check) land in chunks of their own, loaded on demand.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    options: 'src/options.ts',
    'subgraph-check': 'src/subgraph-check.ts',
    cli: 'src/cli.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  splitting: true,
  dts: { entry: { index: 'src/index.ts', options: 'src/options.ts', 'subgraph-check': 'src/subgraph-check.ts' } },
  clean: true,
  outDir: 'dist',
});
