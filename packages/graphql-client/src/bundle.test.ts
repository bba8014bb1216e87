// What an app gets: the package built as tsup builds it (ESM + CJS), then bundled for the browser with esbuild
// the way an app bundler would. Pre-printed documents mean graphql-js must not reach that bundle.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Metafile } from 'esbuild';
import { build as tsup } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../tsup.config.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'graphql-client-bundle-'));

beforeAll(async () => {
  // JavaScript only (the declarations are slow and not what this checks); same entry, formats and bundling rules.
  await tsup({ ...(config as object), dts: false, onSuccess: undefined, clean: false, outDir: out, silent: true, config: false });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Bundles `source` (an app's module) for the browser; bare imports resolve from this package, like an app's would. */
async function appBundle(source: string): Promise<{ text: string; inputs: string[] }> {
  const result = await esbuild({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
  });
  return { text: result.outputFiles[0]!.text, inputs: Object.keys((result.metafile as Metafile).inputs) };
}
const graphqlJs = (inputs: string[]) => inputs.filter((i) => /node_modules\/(?:\.pnpm\/graphql@[^/]+\/node_modules\/)?graphql\//.test(i));
// Import statements (at the start of a line, as esbuild writes them), import() and require() calls; not the
// same words inside a string, such as an error message telling React Native users what to import.
const imports = (code: string) =>
  [...code.matchAll(/(?:^|\n)\s*import\s+(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!,
  );

describe('the built package', () => {
  it('imports nothing: @cleanapp/api-client and the document types are bundled, graphql-js is not used', () => {
    // The detector itself finds imports in esbuild's output shapes (so an empty list means none).
    expect(imports('import {\n  a\n} from "./x.js";\nimport "y";\nconst z = require("z");')).toEqual(['./x.js', 'y', 'z']);
    for (const file of ['index.js', 'index.cjs']) expect(imports(readFileSync(join(out, file), 'utf8')), file).toEqual([]);
  });

  it('loads as CommonJS (require) and as ESM (import), with the same pre-printed documents', async () => {
    const cjs = createRequire(import.meta.url)(join(out, 'index.cjs')) as typeof import('./index.js');
    const esm = (await import(pathToFileURL(join(out, 'index.js')).href)) as typeof import('./index.js');
    for (const m of [cjs, esm]) {
      expect(typeof m.createGraphqlClient).toBe('function');
      expect([typeof m.fetchClientCredentialsToken, typeof m.clientCredentialsTokenSource, typeof m.createPkceAuth]).toEqual(['function', 'function', 'function']);
      expect(String(m.ReportByIdDocument)).toMatch(/^\s*query ReportById\(\$publicId: ID!\)[\s\S]*fragment ReportFields on Report/);
    }
    expect(String(cjs.ReportsNearDocument)).toBe(String(esm.ReportsNearDocument));
  });
});

describe('an app bundle (esbuild, platform browser)', () => {
  it('of createGraphqlClient + ReportByIdDocument contains the query text and no graphql-js', async () => {
    const app = await appBundle(`
      import { createGraphqlClient, ReportByIdDocument } from ${JSON.stringify(join(out, 'index.js'))};
      const client = createGraphqlClient({ url: '/graphql' });
      client.request(ReportByIdDocument, { publicId: 'rpt_1' }).then((data) => console.log(data.report));
    `);
    expect(app.inputs.some((i) => i.endsWith('index.js'))).toBe(true);
    expect(graphqlJs(app.inputs)).toEqual([]);
    expect(app.text).toContain('query ReportById');
    expect(app.text).not.toMatch(/GraphQLError|Syntax Error:/);
  });

  it('would show graphql-js if an app did use it (the check above can fail)', async () => {
    const app = await appBundle(`import { parse, print } from 'graphql'; console.log(print(parse('{ a }')));`);
    expect(graphqlJs(app.inputs).length).toBeGreaterThan(0);
    expect(app.text).toMatch(/Syntax Error:/);
  });
});
