// What the app-facing packages cost a web or mobile app: minified browser bundles (esbuild) of a typical
// import, built from the packed tarballs (exactly what npm installs), and their gzipped size.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { PackedPackage } from './pack.js';
import { repoRoot } from './packages.js';
import { readTarball } from './tarball.js';

/** A typical app's use of a client: what the README numbers measure. */
export interface TypicalImport {
  id: 'rest' | 'graphql';
  label: string;
  /** The package whose README block shows it. */
  pkg: string;
  source: string;
}

export const typicalImports: TypicalImport[] = [
  {
    id: 'rest',
    label: 'REST: `createApiClient` and one typed `GET`',
    pkg: '@cleanapp/api-client',
    source: `import { createApiClient } from '@cleanapp/api-client';
const api = createApiClient({ baseUrl: location.origin, token: () => sessionStorage.getItem('token') ?? '' });
export const nearby = (latitude, longitude) => api.GET('/api/v4/reports/near', { params: { query: { latitude, longitude, radius_m: 500, limit: 20 } } });`,
  },
  {
    id: 'graphql',
    label: 'GraphQL: `createGraphqlClient` and `ReportsNearDocument`',
    pkg: '@cleanapp/graphql-client',
    source: `import { createGraphqlClient, ReportsNearDocument } from '@cleanapp/graphql-client';
const gql = createGraphqlClient({ url: location.origin + '/graphql', token: () => sessionStorage.getItem('token') ?? '' });
export const near = (latitude, longitude) => gql.request(ReportsNearDocument, { latitude, longitude, radiusMeters: 500, first: 20 });`,
  },
];

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Gzipped (level 9) bytes of the minified bundle. */
  gzipped: number;
  code: string;
}

/**
 * Unpacks the tarballs into `<dir>/node_modules/<name>` as npm would, so a bundle resolves `@cleanapp/*`
 * from what is published (publishConfig applied) and nothing else. Their registry dependencies
 * (openapi-fetch, msw, …) resolve from the workspace's installation of each package (`nodePaths`).
 */
export function unpackForBundling(packed: PackedPackage[], dir = mkdtempSync(join(tmpdir(), 'cleanapp-bundle-'))): { dir: string; nodePaths: string[] } {
  for (const pkg of packed) {
    for (const file of readTarball(pkg.tarball)) {
      const target = join(dir, 'node_modules', pkg.name, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.data);
    }
  }
  return { dir, nodePaths: packed.map((p) => join(repoRoot, p.dir, 'node_modules')) };
}

/** A minified ESM browser bundle of `source` (resolved from `dir`), with `external` left out. */
export async function measureBundle(source: string, { dir, nodePaths }: { dir: string; nodePaths: string[] }, external: string[] = []): Promise<BundleSize> {
  const out = await build({
    stdin: { contents: source, resolveDir: dir, sourcefile: 'app.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external,
    nodePaths,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const code = out.outputFiles[0]!.text;
  return { minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length, code };
}

/** Each typical import's bundle, from the packed app-facing packages. */
export async function measureTypicalImports(packed: PackedPackage[]): Promise<Record<TypicalImport['id'], BundleSize>> {
  const unpacked = unpackForBundling(packed);
  try {
    const sizes = await Promise.all(typicalImports.map(async (t) => [t.id, await measureBundle(t.source, unpacked)] as const));
    return Object.fromEntries(sizes) as Record<TypicalImport['id'], BundleSize>;
  } finally {
    rmSync(unpacked.dir, { recursive: true, force: true });
  }
}

/** A distinctive piece of graphql-js (its parser's error text, GraphQLError's toStringTag): the client must not ship it. */
export const graphqlJsMarker = /Syntax Error: Unexpected|Syntax Error: Expected|"GraphQLError"/;

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

const start = '<!-- bundle-size -->';
const end = '<!-- /bundle-size -->';

/** The README files with a bundle-size block, and which typical imports each shows. */
export const bundleSizeReadmes: { file: string; ids: TypicalImport['id'][] }[] = [
  { file: 'README.md', ids: ['rest', 'graphql'] },
  { file: 'packages/api-client/README.md', ids: ['rest'] },
  { file: 'packages/graphql-client/README.md', ids: ['graphql'] },
];

export function bundleSizeBlock(sizes: Record<TypicalImport['id'], Pick<BundleSize, 'minified' | 'gzipped'>>, ids: TypicalImport['id'][]): string {
  const rows = ids.map((id) => `| ${typicalImports.find((t) => t.id === id)!.label} | ${kB(sizes[id].minified)} | ${kB(sizes[id].gzipped)} |`);
  return [
    start,
    'App bundle cost (esbuild, browser, minified; `pnpm --filter @cleanapp/package-checks run bundle-size` rewrites this table):',
    '',
    '| typical import | minified | gzipped |',
    '|---|---|---|',
    ...rows,
    end,
  ].join('\n');
}

/** The gzipped and minified numbers a README's block states, per typical import (by its label). */
export function readBundleSizeBlock(readme: string): Partial<Record<TypicalImport['id'], { minified: number; gzipped: number }>> {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} block`);
  const block = readme.slice(from, to);
  const result: Partial<Record<TypicalImport['id'], { minified: number; gzipped: number }>> = {};
  for (const t of typicalImports) {
    const row = block.split('\n').find((l) => l.startsWith(`| ${t.label} |`));
    const numbers = row?.match(/\| ([\d.]+) kB \| ([\d.]+) kB \|$/);
    if (numbers) result[t.id] = { minified: Number(numbers[1]) * 1000, gzipped: Number(numbers[2]) * 1000 };
  }
  return result;
}

/** `readme` with its block replaced (or appended when it has none). */
export function writeBundleSizeBlock(readme: string, block: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return `${readme.trimEnd()}\n\n${block}\n`;
  return `${readme.slice(0, from)}${block}${readme.slice(to + end.length)}`;
}

export const readmePath = (file: string) => join(repoRoot, file);
export const readReadme = (file: string) => readFileSync(readmePath(file), 'utf8');
