import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { mask } from './mask.js';
import { parseTarget, TargetError, type TestSigningKey } from './target.js';

// auth.testSigningKey: a private JWK the target trusts, for the auth suite's tokens with chosen claims.

let jwk: TestSigningKey;
beforeAll(() => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256' } as TestSigningKey;
});

const base = (testSigningKey: unknown) => ({
  name: 'local',
  rest: { baseUrl: 'http://127.0.0.1:8080' },
  auth: { tokenUrl: 'http://127.0.0.1:8081/oauth/token', clientId: 'smoke', clientSecret: 'client-secret-1', testSigningKey },
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return (err as TargetError).problems;
  }
  throw new Error('expected a TargetError');
}

describe('auth.testSigningKey', () => {
  it('accepts a JWK object and masks its private members everywhere', () => {
    const target = parseTarget(base(jwk));
    expect(target.auth?.testSigningKey).toMatchObject({ kty: 'RSA', kid: 'test-key-1', d: jwk.d });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      const value = jwk[member] as string;
      expect(mask(`key ${value} end`)).toBe('key *** end');
    }
    expect(mask(JSON.stringify(target))).not.toContain(jwk.d);
  });

  it('parses a ${ENV} string holding the JSON into the JWK object', () => {
    const target = parseTarget(base('${TEST_JWK}'), { env: { TEST_JWK: JSON.stringify(jwk) } });
    expect(target.auth?.testSigningKey).toEqual(jwk);
  });

  it('is optional', () => {
    const { testSigningKey: _none, ...auth } = base(undefined).auth;
    expect(parseTarget({ ...base(undefined), auth }).auth?.testSigningKey).toBeUndefined();
  });

  it('reads an empty string (${VAR:-} with VAR unset) as no key, and a blank one as a mistake', () => {
    expect(parseTarget(base('${NO_KEY_HERE:-}'), { env: {} }).auth).not.toHaveProperty('testSigningKey');
    expect(problemsOf(() => parseTarget(base(' ')))).toEqual(['auth.testSigningKey must be a private JWK: an object with kty and d, or a string holding its JSON']);
  });

  it('rejects text that is not JSON, naming the field and never echoing the value', () => {
    const secretish = '{"kty":"RSA","d":"very-secret-material"';
    const problems = problemsOf(() => parseTarget(base(secretish)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^auth\.testSigningKey is not parseable as JSON/);
    expect(problems.join('\n')).not.toContain('very-secret-material');
  });

  it('rejects a public key (no d) or a non-JWK value with one line naming the field', () => {
    const { d: _d, ...publicOnly } = jwk;
    for (const value of [publicOnly, 42, 'not json', JSON.stringify({ kty: 'RSA' })]) {
      const problems = problemsOf(() => parseTarget(base(value)));
      expect(problems, JSON.stringify(value)).toEqual(['auth.testSigningKey must be a private JWK: an object with kty and d, or a string holding its JSON']);
    }
  });

  it('names an unset environment variable', () => {
    expect(problemsOf(() => parseTarget(base('${NO_SUCH_JWK}'), { env: {} }))).toEqual(['auth.testSigningKey: environment variable NO_SUCH_JWK is not set']);
  });
});
