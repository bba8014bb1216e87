import { defineConfig } from 'tsup';

// ESM (dist/*.js) and CommonJS (dist/*.cjs) with declarations for each (.d.ts / .d.cts): Jest's CommonJS
// transform and `module: node16` CommonJS projects load it as well as ESM test runners do.
// Everything it takes from @cleanapp/* (the request-id generator, contract types, GraphQL result types)
// is bundled, JavaScript and types alike, so it installs alone; msw (peer), ws (optional peer) and
// graphql (which msw needs too) stay external.
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  noExternal: [/^@cleanapp\//],
  // tsup's own .d.ts resolver reads `types` from package.json, which the workspace packages only set for
  // publishing; path mappings send rollup-plugin-dts to their sources instead.
  dts: {
    compilerOptions: {
      paths: {
        '@cleanapp/api-client': ['../api-client/src/index.ts'],
        '@cleanapp/events': ['../events/src/index.ts'],
        '@cleanapp/graphql-client': ['../graphql-client/src/index.ts'],
      },
    },
  },
  clean: true,
  outDir: 'dist',
});
