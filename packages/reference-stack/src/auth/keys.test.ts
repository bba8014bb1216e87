import { createLocalJWKSet, jwtVerify, SignJWT, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateTestSigningKey, KeyRing, TEST_SIGNING_KEY_ENV, testSigningKeyFromEnv } from './keys.js';

describe('KeyRing trusted test key', () => {
  it('is absent by default: the JWKS has the active and the next key only', async () => {
    expect((await KeyRing.create()).jwks().keys).toHaveLength(2);
  });

  it('publishes only the public part of the test key, keeps it across rotations, and never signs with it', async () => {
    const testKey = await generateTestSigningKey();
    expect(testKey).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.stringMatching(/^test-/) });
    expect(typeof testKey.d).toBe('string');
    const ring = await KeyRing.create({ testKey });
    const published = () => ring.jwks().keys.find((k) => k.kid === testKey.kid);
    expect(ring.jwks().keys).toHaveLength(3);
    expect(published()).toBeDefined();
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(published(), member).not.toHaveProperty(member);
    expect(ring.active.kid).not.toBe(testKey.kid);
    await ring.rotate();
    expect(published()).toBeDefined();
    expect(ring.active.kid).not.toBe(testKey.kid);

    // A token signed with the test key verifies against the published JWKS.
    const token = await new SignJWT({ scope: 'report:read' })
      .setProtectedHeader({ alg: 'RS256', kid: testKey.kid! })
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime('1m')
      .sign(await importJWK(testKey, 'RS256'));
    const { payload } = await jwtVerify(token, createLocalJWKSet(ring.jwks()), { issuer: 'iss', audience: 'aud' });
    expect(payload.scope).toBe('report:read');
  });

  it('refuses a public JWK as test key', async () => {
    const { d: _d, ...publicOnly } = await generateTestSigningKey();
    await expect(KeyRing.create({ testKey: publicOnly })).rejects.toThrow(/private JWK/);
  });
});

describe(`${TEST_SIGNING_KEY_ENV}`, () => {
  it('is read only when set', async () => {
    expect(testSigningKeyFromEnv({})).toBeUndefined();
    expect(testSigningKeyFromEnv({ [TEST_SIGNING_KEY_ENV]: ' ' })).toBeUndefined();
    const key = await generateTestSigningKey();
    expect(testSigningKeyFromEnv({ [TEST_SIGNING_KEY_ENV]: JSON.stringify(key) })).toEqual(key);
  });

  it('names the variable, without echoing it, when it is not a private JWK', () => {
    expect(() => testSigningKeyFromEnv({ [TEST_SIGNING_KEY_ENV]: '{"d":"secret-bits"' })).toThrow(/^TOKEN_TEST_SIGNING_KEY must be a private JWK as JSON \(not parseable\)$/);
    expect(() => testSigningKeyFromEnv({ [TEST_SIGNING_KEY_ENV]: '{"kty":"RSA"}' })).toThrow(/TOKEN_TEST_SIGNING_KEY must be a private JWK/);
  });
});
