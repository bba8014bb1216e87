import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Members of a JWK that are private key material (RSA, EC/OKP, oct). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Environment variable a standalone token issuer reads its trusted test key from (a private JWK as JSON). */
export const TEST_SIGNING_KEY_ENV = 'TOKEN_TEST_SIGNING_KEY';

export interface KeyRingOptions {
  /**
   * A private JWK (with `kid`) whose public part is published in the JWKS next to the real keys, so
   * verifiers trust tokens signed with it. The issuer never signs with it: it exists only so the auth
   * suite can mint tokens with chosen claims (expired, wrong `iss`/`aud`, missing scope, …). Local
   * stacks only; a real environment publishes no such key.
   */
  testKey?: JWK;
}

/**
 * Two RS256 keys: the active one signs, the other is published in the JWKS ahead of rotation, so
 * verifiers that cache the JWKS keep accepting tokens across a rotation. Optionally a trusted test key
 * (`KeyRingOptions.testKey`), published but never used by the issuer and kept across rotations.
 */
export class KeyRing {
  private readonly testPublicJwk: JWK | undefined;

  private constructor(
    private keys: SigningKey[],
    testKey?: JWK,
  ) {
    this.testPublicJwk = testKey ? publicJwkOf(testKey) : undefined;
  }

  static async create(options: KeyRingOptions = {}): Promise<KeyRing> {
    if (options.testKey && (typeof options.testKey.d !== 'string' || typeof options.testKey.kty !== 'string')) {
      throw new Error('KeyRing: testKey must be a private JWK (kty and d are required)');
    }
    // Generated concurrently: RSA key generation runs off the main thread.
    return new KeyRing(await Promise.all([makeKey(), makeKey()]), options.testKey);
  }

  get active(): SigningKey {
    return this.keys[0]!;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.map((k) => k.publicJwk), ...(this.testPublicJwk ? [this.testPublicJwk] : [])] };
  }

  /** Promotes the next key and prepares a new one; the retired key leaves the JWKS (the test key stays). */
  async rotate(): Promise<void> {
    this.keys = [this.keys[1]!, await makeKey()];
  }
}

async function makeKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** The public part of a JWK (private members removed). */
export function publicJwkOf(jwk: JWK): JWK {
  const out: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete out[member];
  delete out.key_ops;
  return out as JWK;
}

/** A fresh RS256 private JWK for `KeyRingOptions.testKey` (kid `test-<uuid>`). */
export async function generateTestSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `test-${randomUUID()}`, alg: 'RS256', use: 'sig' };
}

/**
 * The trusted test key a standalone issuer was asked for through `TOKEN_TEST_SIGNING_KEY` (a private
 * JWK as JSON), or undefined when the variable is unset or empty.
 */
export function testSigningKeyFromEnv(env: NodeJS.ProcessEnv): JWK | undefined {
  const text = env[TEST_SIGNING_KEY_ENV]?.trim();
  if (!text) return undefined;
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error(`${TEST_SIGNING_KEY_ENV} must be a private JWK as JSON (not parseable)`);
  }
  if (!jwk || typeof jwk !== 'object' || typeof (jwk as JWK).d !== 'string' || typeof (jwk as JWK).kty !== 'string') {
    throw new Error(`${TEST_SIGNING_KEY_ENV} must be a private JWK (kty and d are required)`);
  }
  return jwk as JWK;
}
