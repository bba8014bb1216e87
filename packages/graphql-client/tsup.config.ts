import { defineConfig } from 'tsup';

// ESM (dist/index.js) and CommonJS (dist/index.cjs) with declarations for each (.d.ts / .d.cts), so Jest's
// CommonJS transform, Metro and `module: node16` CommonJS projects load it as well as ESM apps do.
// What it uses from @cleanapp/api-client (request ids, TokenProvider, token helpers) is bundled, JavaScript
// and types alike, and so are the types of @graphql-typed-document-node/core: the package installs alone
// with no dependencies.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  noExternal: [/^@cleanapp\//, '@graphql-typed-document-node/core'],
  // tsup's own .d.ts resolver reads `types` from package.json, which the workspace packages only set for
  // publishing; a path mapping sends rollup-plugin-dts to their sources instead.
  dts: {
    resolve: ['@graphql-typed-document-node/core'],
    compilerOptions: { paths: { '@cleanapp/api-client': ['../api-client/src/index.ts'] } },
  },
  clean: true,
  outDir: 'dist',
  onSuccess: 'cp src/generated/schema.graphql dist/schema.graphql',
});
