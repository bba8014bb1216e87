// The package as tsup builds it (ESM + CJS): only msw, msw/node and graphql stay imports (everything from
// @cleanapp/* is bundled), no import.meta anywhere (Jest's CommonJS transform and Metro reject it), and
// `require` as well as `import` of @cleanapp/mocks/node serve the handlers.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, expect, it } from 'vitest';
import config from '../tsup.config.ts';

// Inside the package, so the built files find msw and graphql the way an installed copy would (its node_modules).
const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'dist-test-'));

beforeAll(async () => {
  // JavaScript only: the declarations are slow to build and checked by package-checks on the tarball.
  await build({ ...(config as object), dts: false, clean: false, outDir: out, silent: true, config: false });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const code = (file: string) => readFileSync(join(out, file), 'utf8');
// Import statements (at the start of a line, as esbuild writes them), import() and require() calls; not the
// same words inside a string, such as an error message telling React Native users what to import.
const specifiers = (code: string) =>
  [...code.matchAll(/(?:^|\n)\s*import\s+(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!,
  );

it('imports only its peers and graphql, never @cleanapp/*, and has no import.meta', () => {
  const files = readdirSync(out).filter((f) => /\.c?js$/.test(f));
  expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'node.js', 'node.cjs']));
  expect(specifiers(code('node.js'))).toContain('msw/node');
  expect(specifiers(code('node.cjs'))).toContain('msw/node');
  for (const file of files) {
    for (const s of specifiers(code(file))) expect(['msw', 'msw/node', 'graphql'].includes(s) || /^\.\/chunk-\w+\.js$/.test(s), `${file} imports ${s}`).toBe(true);
    expect(code(file), file).not.toMatch(/import\.meta/);
  }
});

it.each([
  ['require', async () => createRequire(import.meta.url)(join(out, 'node.cjs')) as typeof import('./node.js')],
  ['import', async () => (await import(pathToFileURL(join(out, 'node.js')).href)) as typeof import('./node.js')],
])('%s of the node entry serves the contract examples with request ids from the bundled generator', async (_how, load) => {
  const mocks = await load();
  const server = mocks.setupMockServer({ baseUrl: 'http://api.dist.cleanapp.test', graphql: false });
  server.listen({ onUnhandledRequest: 'error' });
  try {
    const response = await fetch('http://api.dist.cleanapp.test/api/v4/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(mocks.responseExamples.getHealth[200].body);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    server.close();
  }
});
