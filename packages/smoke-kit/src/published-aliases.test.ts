import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedAliases, publishedExternals } from './runner.js';

describe('publishedAliases', () => {
  const aliases = publishedAliases([
    { name: '@cleanapp/smoke-kit', exports: { '.': pathToFileURL('/w/packages/smoke-kit/dist/index.js').href, './perf': pathToFileURL('/w/packages/smoke-kit/dist/perf/index.js').href } },
  ]);
  const resolve = (id: string) => aliases.find((a) => a.find.test(id))?.replacement;

  it('sends the package and each published subpath to its file in dist/', () => {
    expect(resolve('@cleanapp/smoke-kit')).toBe('/w/packages/smoke-kit/dist/index.js');
    expect(resolve('@cleanapp/smoke-kit/perf')).toBe('/w/packages/smoke-kit/dist/perf/index.js');
  });

  it('leaves other subpaths and look-alike names alone', () => {
    expect(resolve('@cleanapp/smoke-kit/package.json')).toBeUndefined();
    expect(resolve('@cleanapp/smoke-kit/perf/x')).toBeUndefined();
    expect(resolve('@cleanapp/smoke-kitX')).toBeUndefined();
    expect(resolve('x@cleanapp/smoke-kit')).toBeUndefined();
  });
});

describe('publishedExternals', () => {
  const externals = publishedExternals([
    { name: '@cleanapp/smoke-kit', exports: { '.': pathToFileURL('/w/packages/smoke-kit/dist/index.js').href, './perf': pathToFileURL('/w/packages/smoke-kit/dist/perf/index.js').href } },
    { name: '@cleanapp/contracts', exports: { '.': pathToFileURL('/w/contracts/dist/index.js').href } },
  ]);
  const external = (file: string) => externals.some((re) => re.test(file));

  it('leaves the published files and their chunks to Node', () => {
    expect(external('/w/packages/smoke-kit/dist/index.js')).toBe(true);
    expect(external('/w/packages/smoke-kit/dist/chunk-ABC.js')).toBe(true);
    expect(external('/w/packages/smoke-kit/dist/perf/index.js')).toBe(true);
    expect(external('/w/contracts/dist/index.js')).toBe(true);
  });

  it('keeps the sources and other packages with vite', () => {
    expect(external('/w/packages/smoke-kit/src/index.ts')).toBe(false);
    expect(external('/w/contracts/src/index.ts')).toBe(false);
    expect(external('/w/packages/smoke-kit/distX/index.js')).toBe(false);
    expect(external('/w/suites/health/health.test.ts')).toBe(false);
  });
});
