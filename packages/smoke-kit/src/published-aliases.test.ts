import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedAliases } from './runner.js';

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
