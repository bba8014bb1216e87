import { describe, expect, it } from 'vitest';
import { isProduction, serviceNames, shaMatches, targetServices } from './services.js';
import { parseTarget, TargetError } from './target.js';

const base = { name: 'staging', rest: { baseUrl: 'https://api.staging.test/' } };
const problemsOf = (input: object) => {
  try {
    parseTarget(input, { env: {} });
  } catch (err) {
    return (err as TargetError).problems;
  }
  throw new Error('expected a TargetError');
};

describe('target services', () => {
  it('keeps accepting the list of names; it locates only the API, at rest.baseUrl', () => {
    const target = parseTarget({ ...base, services: ['api', 'token-issuer'] }, { env: {} });
    expect(serviceNames(target)).toEqual(['api', 'token-issuer']);
    expect(targetServices(target)).toEqual([{ name: 'api', baseUrl: 'https://api.staging.test', healthPath: '/healthz', versionPath: '/version', budgetMs: 2000, tags: [] }]);
    expect(serviceNames(parseTarget(base, { env: {} }))).toBeUndefined();
  });

  it('reads the map with defaults, ${ENV} references, and pins per service over target-wide ones', () => {
    const target = parseTarget(
      {
        ...base,
        environment: 'production',
        expectSha: 'abc1234',
        expectVersion: '4.1.0',
        services: {
          api: { baseUrl: 'https://api.staging.test' },
          renderer: { baseUrl: '${RENDERER_URL}/', healthPath: '/ready', versionPath: '/about', budgetMs: 500, tags: ['worker'], expectSha: 'def5678' },
        },
      },
      { env: { RENDERER_URL: 'https://render.staging.test' } },
    );
    expect(target.environment).toBe('production');
    expect(serviceNames(target)).toEqual(['api', 'renderer']);
    expect(targetServices(target)).toEqual([
      { name: 'api', baseUrl: 'https://api.staging.test', healthPath: '/healthz', versionPath: '/version', budgetMs: 2000, tags: [], expectVersion: '4.1.0', expectSha: 'abc1234' },
      { name: 'renderer', baseUrl: 'https://render.staging.test', healthPath: '/ready', versionPath: '/about', budgetMs: 500, tags: ['worker'], expectVersion: '4.1.0', expectSha: 'def5678' },
    ]);
  });

  it('names the field of a bad service entry, and only the branch the value chose', () => {
    expect(problemsOf({ ...base, services: { api: { baseUrl: 'ftp://x', healthPath: 'healthz', port: 1 }, Bad_Name: { baseUrl: 'http://a' } } })).toEqual(
      expect.arrayContaining([
        'services.api.baseUrl must be a URL (http:// or https://), got "ftp://x"',
        'services.api.port is not a known field (known: baseUrl, healthPath, versionPath, budgetMs, tags, expectVersion, expectSha)',
        'services.api.healthPath must match pattern "^/"',
      ]),
    );
    expect(problemsOf({ ...base, services: { api: { baseUrl: 'http://a' } } , expectSha: 'not-hex' })).toEqual(['expectSha must match pattern "^[0-9a-fA-F]{4,40}$"']);
    expect(problemsOf({ ...base, services: [1] })).toEqual(['services[0] must be string, got number']);
    expect(problemsOf({ ...base, services: { api: 'http://a' } })).toEqual(['services.api must be object, got string']);
  });

  it('treats only production (or prod) as production: auth off fails the gate there, elsewhere it warns', () => {
    expect([isProduction({ environment: 'production' }), isProduction({ environment: 'prod' })]).toEqual([true, true]);
    expect([isProduction({ environment: 'staging' }), isProduction({ environment: 'production-like' }), isProduction({})]).toEqual([false, false, false]);
  });

  it('matches a short sha against a long one either way, never an empty one', () => {
    expect(shaMatches('ABC1234', 'abc1234def0')).toBe(true);
    expect(shaMatches('abc1234def0', 'abc1234')).toBe(true);
    expect(shaMatches('abc1235', 'abc1234def0')).toBe(false);
    expect(shaMatches('abc1234', '')).toBe(false);
  });
});
