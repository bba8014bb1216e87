import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier, VERIFIED_TOKEN_CACHE_SIZE, VERIFIED_TOKEN_TTL_SECONDS } from './verify.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'cleanapp-api';
const READ = [{ cleanappAuth: ['report:read'] }];
const T0 = 1_800_000_000;

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: JWTVerifyGetKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
});

const token = (claims: Record<string, unknown> = {}, key = signingKey, iat = T0) =>
  new SignJWT({ scope: 'report:read', ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('client').setIssuedAt(iat).setExpirationTime(iat + 900).sign(key);

/** A verifier on a movable clock that counts how often it had to look up a signing key. */
function verifier() {
  const clock = { now: T0 };
  let keyLookups = 0;
  const keys: JWTVerifyGetKey = (header, input) => {
    keyLookups += 1;
    return jwks(header, input);
  };
  const v = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://unused.test/jwks', keys, now: () => clock.now });
  return { v, clock, lookups: () => keyLookups };
}

describe('TokenVerifier: verified tokens are remembered, their time checks are not', () => {
  it('verifies the signature once for a token sent again within the TTL', async () => {
    const { v, lookups } = verifier();
    const t = await token();
    expect(await v.authorize(`Bearer ${t}`, READ)).toMatchObject({ ok: true, principal: { clientId: 'client' } });
    expect(await v.authorize(`Bearer ${t}`, READ)).toMatchObject({ ok: true });
    expect(lookups()).toBe(1);
  });

  it('verifies again after the TTL (a withdrawn key stops counting within it)', async () => {
    const { v, clock, lookups } = verifier();
    const t = await token();
    await v.authorize(`Bearer ${t}`, READ);
    clock.now += VERIFIED_TOKEN_TTL_SECONDS + 1;
    expect(await v.authorize(`Bearer ${t}`, READ)).toMatchObject({ ok: true });
    expect(lookups()).toBe(2);
  });

  it('refuses a remembered token once it expires', async () => {
    const { v, clock } = verifier();
    const t = await token({}, signingKey, T0 - 900 + 10); // expires 10 s after T0
    expect(await v.authorize(`Bearer ${t}`, READ)).toMatchObject({ ok: true });
    clock.now += 10;
    expect(await v.authorize(`Bearer ${t}`, READ)).toEqual({ ok: false, status: 401, message: 'The token has expired' });
  });

  it('never lets a forged token through on a remembered one: other signature, other text, verified in full', async () => {
    const { v } = verifier();
    const good = await token();
    await v.authorize(`Bearer ${good}`, READ);
    const forged = await token({}, otherKey);
    expect(forged.split('.').slice(0, 2)).toEqual(good.split('.').slice(0, 2)); // same header and claims
    expect(await v.authorize(`Bearer ${forged}`, READ)).toEqual({ ok: false, status: 401, message: 'The token signature is invalid' });
    const tampered = `${good.split('.')[0]}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', scope: 'admin', iat: T0, exp: T0 + 900 })).toString('base64url')}.${good.split('.')[2]}`;
    expect(await v.authorize(`Bearer ${tampered}`, READ)).toMatchObject({ ok: false, status: 401 });
  });

  it('does not remember a refusal: a scope check is made per request on the remembered claims', async () => {
    const { v, lookups } = verifier();
    const t = await token({ scope: 'report:submit' });
    expect(await v.authorize(`Bearer ${t}`, READ)).toMatchObject({ ok: false, status: 403 });
    expect(await v.authorize(`Bearer ${t}`, [{ cleanappAuth: ['report:submit'] }])).toMatchObject({ ok: true });
    expect(lookups()).toBe(1);
  });

  it(`remembers at most ${VERIFIED_TOKEN_CACHE_SIZE} tokens, forgetting the oldest`, async () => {
    const { v, lookups } = verifier();
    const first = await token({ n: -1 });
    await v.authorize(`Bearer ${first}`, READ);
    for (let i = 0; i < VERIFIED_TOKEN_CACHE_SIZE; i++) await v.authorize(`Bearer ${await token({ n: i })}`, READ);
    const before = lookups();
    await v.authorize(`Bearer ${first}`, READ);
    expect(lookups()).toBe(before + 1);
  });
});
