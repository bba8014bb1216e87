import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Two RS256 keys: the active one signs, the other is published in the JWKS ahead of rotation, so
 * verifiers that cache the JWKS keep accepting tokens across a rotation.
 */
export class KeyRing {
  private constructor(private keys: SigningKey[]) {}

  static async create(): Promise<KeyRing> {
    return new KeyRing([await makeKey(), await makeKey()]);
  }

  get active(): SigningKey {
    return this.keys[0]!;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Promotes the next key and prepares a new one; the retired key leaves the JWKS. */
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
