// The package as its build script makes it (ESM + CJS): `require` and `import` of the built files each make a
// working client (openapi-fetch's CommonJS default export goes through interop there, not in the sources),
// with no import.meta and only openapi-fetch and @noble/hashes left as imports.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Inside the package, so the built files resolve openapi-fetch and @noble/hashes as an installed copy would.
const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'dist-test-'));
const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // The flags of `pnpm build`, JavaScript only: declarations are slow and checked by package-checks (attw).
  await build({
    entry: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    format: ['esm', 'cjs'],
    // What `"type": "module"` gives `pnpm build`, said explicitly so the names do not depend on the working directory.
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    // The dependencies stay imports, as tsup does when run in the package; said here for the same reason.
    external: Object.keys(dependencies).map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/|$)`)),
    outDir: out,
    dts: false,
    clean: false,
    silent: true,
    config: false,
  });
  server = createServer((req, res) => {
    const svg = req.url?.endsWith('/card.svg');
    res.setHeader('content-type', svg ? 'image/svg+xml' : 'application/json');
    res.end(svg ? '<svg xmlns="http://www.w3.org/2000/svg"/>' : JSON.stringify({ status: 'ok', request_id: req.headers['x-request-id'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await new Promise<void>((r) => server?.close(() => r()));
});

const specifiers = (code: string) => [...code.matchAll(/\bfrom\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);

it('imports only openapi-fetch and @noble/hashes/sha2, and has no import.meta', () => {
  for (const file of ['index.js', 'index.cjs']) {
    const code = readFileSync(join(out, file), 'utf8');
    expect(new Set(specifiers(code)), file).toEqual(new Set(['openapi-fetch', '@noble/hashes/sha2']));
    expect(code, file).not.toMatch(/import\.meta/);
  }
});

it.each([
  ['require', async () => createRequire(import.meta.url)(join(out, 'index.cjs')) as typeof import('./index.js')],
  ['import', async () => (await import(pathToFileURL(join(out, 'index.js')).href)) as typeof import('./index.js')],
])('%s of the build gives a client that makes requests', async (_how, load) => {
  const { createApiClient, codeChallengeS256 } = await load();
  const api = createApiClient({ baseUrl });
  const { data } = await api.GET('/api/v4/health');
  expect(data).toMatchObject({ status: 'ok', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const card = await api.GET('/api/v4/reports/{public_id}/card.svg', { params: { path: { public_id: 'rpt_1' } } });
  expect(card.data).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
  expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});
