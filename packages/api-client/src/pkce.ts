// OAuth2 authorization code with PKCE (RFC 6749 §4.1, RFC 7636 S256) for public clients — browser and mobile
// apps, which hold no secret. Web APIs only, and not `URL` (React Native's is partial); SHA-256 falls back to
// @noble/hashes where `crypto.subtle` is missing (plain-http pages, Hermes).
import { sha256 } from '@noble/hashes/sha2';
import { formEncode, normaliseScopes, queryParams, requestToken, TokenError, type AccessToken, type TokenRequestOptions } from './oauth.js';
import { createTokenSource, type TokenSource, type TokenSourceOptions } from './token-source.js';

/** sessionStorage, localStorage and React Native's AsyncStorage all fit (sync or async). */
export interface KeyValueStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Storage that lives as long as the page or process (the default). */
export function memoryStorage(): KeyValueStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key),
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** Fills `bytes` with cryptographically strong random values (the shape of `crypto.getRandomValues`). */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

function defaultRandom(): RandomSource {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  const getRandomValues = crypto?.getRandomValues;
  if (typeof getRandomValues !== 'function') {
    throw new Error(
      'PKCE needs crypto.getRandomValues, which this environment lacks. In React Native, install react-native-get-random-values ' +
        "and `import 'react-native-get-random-values'` before anything else; or pass your own cryptographic `random` source.",
    );
  }
  return (bytes) => getRandomValues.call(crypto, bytes);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Base64url without padding (RFC 4648 §5), without `btoa` (React Native before 0.74 has none). */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const group = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.ceil((Math.min(3, bytes.length - i) * 8) / 6); // 1 byte → 2 characters, 2 → 3, 3 → 4
    for (let j = 0; j < chars; j++) out += BASE64URL[(group >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** A high-entropy code verifier (RFC 7636 §4.1): 32 random bytes, base64url — 43 characters. */
export function createCodeVerifier(random: RandomSource = defaultRandom()): string {
  return base64url(random(new Uint8Array(32)));
}

/** BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2), with WebCrypto where there is one. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const data = new TextEncoder().encode(verifier);
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  const digest = typeof subtle?.digest === 'function' ? new Uint8Array(await subtle.digest('SHA-256', data)) : sha256(data);
  return base64url(digest);
}

export interface PkceOptions extends TokenRequestOptions, TokenSourceOptions {
  /** The issuer's authorization endpoint (the contract's `authorizationCode.authorizationUrl`). */
  authorizationUrl: string;
  /** The issuer's token endpoint (also used for `grant_type=refresh_token`). */
  tokenUrl: string;
  clientId: string;
  /** Must equal a redirect URI registered for the client, character for character. */
  redirectUri: string;
  scope?: string | readonly string[];
  /** Sent as the `audience` parameter when set. */
  audience?: string;
  /** Where the pending sign-in (state, verifier) and the tokens are kept; memory by default. */
  storage?: KeyValueStorage;
  /** Prefix of the storage keys (default `cleanapp.oauth.<clientId>`). */
  storageKey?: string;
  /** Cryptographic random bytes; defaults to `crypto.getRandomValues` and throws if that is missing. */
  random?: RandomSource;
  /**
   * The issuer identifier (RFC 9207: the `iss` the authorization response carries, e.g. the reference stack's
   * issuer URL). When set, a callback must carry exactly this `iss`, so an app that signs in with several
   * issuers cannot be handed another issuer's code (mix-up attack).
   */
  issuer?: string;
}

export interface PkceAuth {
  /** Starts a sign-in: stores a fresh state and verifier and returns the URL to send the user to. */
  authorizationRequestUrl(extraParams?: Record<string, string>): Promise<string>;
  /**
   * Completes it from the URL the issuer redirected to: checks `state`, turns `error=` into a TokenError,
   * exchanges the code (client_id and code_verifier, no secret) and stores the tokens.
   */
  handleCallback(callbackUrl: string | URL): Promise<AccessToken>;
  /** The access token, refreshed with the stored refresh token before it expires; a `TokenProvider` for createApiClient. */
  token: TokenSource;
  /** Whether tokens are stored (a sign-in completed and was not signed out or revoked). */
  isSignedIn(): Promise<boolean>;
  /** Forgets the tokens and any pending sign-in. */
  signOut(): Promise<void>;
}

type StoredToken = AccessToken & { obtainedAt: number };

interface Pending {
  state: string;
  verifier: string;
  redirectUri: string;
}

/** Authorization code + PKCE for a public client, with pluggable storage and refresh-token rotation. */
export function createPkceAuth(options: PkceOptions): PkceAuth {
  for (const key of ['authorizationUrl', 'tokenUrl', 'clientId', 'redirectUri'] as const) {
    if (typeof options[key] !== 'string' || options[key].length === 0) throw new TypeError(`createPkceAuth: ${key} is required`);
  }
  const storage = options.storage ?? memoryStorage();
  const prefix = options.storageKey ?? `cleanapp.oauth.${options.clientId}`;
  const pendingKey = `${prefix}.pending`;
  const tokensKey = `${prefix}.tokens`;
  const scope = normaliseScopes(options.scope);
  const now = options.now ?? Date.now;
  const describe = `client ${options.clientId}, scope "${scope}"`;

  const read = async <T>(key: string): Promise<T | undefined> => {
    const raw = await storage.getItem(key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      await storage.removeItem(key); // unreadable (another app's value, a partial write): start over
      return undefined;
    }
  };
  // obtainedAt lets a later page load cap the skew at half the token's lifetime, as the token source does.
  const store = async (token: AccessToken) => {
    await storage.setItem(tokensKey, JSON.stringify({ ...token, obtainedAt: now() } satisfies StoredToken));
    return token;
  };

  const refresh = async (refreshToken: string): Promise<AccessToken> => {
    const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: options.clientId };
    try {
      const token = await requestToken(options.tokenUrl, form, { describe, scope }, options);
      // Rotation: the issuer sends a new refresh token and the old one is spent; keep the old one only if it sent none.
      return await store({ ...token, refreshToken: token.refreshToken ?? refreshToken });
    } catch (error) {
      if (error instanceof TokenError && error.oauthError === 'invalid_grant') {
        await storage.removeItem(tokensKey);
        throw new TokenError(`${error.message}; the session has ended, sign in again`, error.status, error.oauthError);
      }
      throw error;
    }
  };

  const skew = options.refreshSkewMs ?? 30_000;
  const token = createTokenSource(
    async ({ forceRefresh }) => {
      const stored = await read<StoredToken>(tokensKey);
      if (!stored) throw new TokenError(`not signed in (${describe}): call authorizationRequestUrl() and handleCallback() first`);
      // A stored token (this or an earlier page load) is still good unless it was just rejected or is about to expire.
      const { obtainedAt, ...current } = stored;
      if (!forceRefresh && now() < stored.expiresAt - Math.min(skew, (stored.expiresAt - obtainedAt) / 2)) return current;
      if (!stored.refreshToken) {
        await storage.removeItem(tokensKey);
        throw new TokenError(`the access token expired and the issuer gave no refresh token (${describe}); sign in again`);
      }
      return refresh(stored.refreshToken);
    },
    { ...options, refreshSkewMs: skew },
  );

  return {
    async authorizationRequestUrl(extraParams = {}) {
      const random = options.random ?? defaultRandom();
      const pending: Pending = { state: base64url(random(new Uint8Array(16))), verifier: createCodeVerifier(random), redirectUri: options.redirectUri };
      // The app's extra parameters first, so they cannot replace the ones the flow depends on.
      const params = formEncode({
        ...extraParams,
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        state: pending.state,
        code_challenge: await codeChallengeS256(pending.verifier),
        code_challenge_method: 'S256',
        scope: scope || undefined,
        audience: options.audience,
      });
      const base = options.authorizationUrl;
      await storage.setItem(pendingKey, JSON.stringify(pending));
      return `${base}${base.includes('?') ? '&' : '?'}${params}`;
    },

    async handleCallback(callbackUrl) {
      const params = queryParams(String(callbackUrl));
      const pending = await read<Pending>(pendingKey);
      if (!pending) throw new TokenError('no sign-in in progress: the callback does not match a request made by authorizationRequestUrl() here');
      const state = params.get('state') ?? null;
      const error = params.get('error') ?? null;
      // An error answer is reported even without state (it grants nothing); a code needs the matching state.
      if (state !== pending.state && !(error && state === null)) {
        throw new TokenError(`the callback's state ${state === null ? 'is missing' : 'does not match the sign-in request'}; refusing it (possible forged redirect)`);
      }
      if (options.issuer !== undefined && params.get('iss') !== options.issuer) {
        const iss = params.get('iss');
        throw new TokenError(`the callback's iss ${iss === undefined ? 'is missing' : `"${iss}" is not the issuer this sign-in went to (${options.issuer})`}; refusing it (RFC 9207 mix-up defence)`);
      }
      await storage.removeItem(pendingKey); // a state and verifier are good for one callback
      if (error) {
        const description = params.get('error_description');
        throw new TokenError(`authorization failed: ${error}${description ? `: ${description}` : ''} (${describe})`, undefined, error);
      }
      const code = params.get('code');
      if (!code) throw new TokenError('the callback carries neither code nor error');
      const form = { grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, client_id: options.clientId, code_verifier: pending.verifier };
      const issued = await store(await requestToken(options.tokenUrl, form, { describe, scope }, options));
      token.clear(); // the next call reads the new tokens
      return issued;
    },

    token,

    async isSignedIn() {
      return (await read<AccessToken>(tokensKey)) !== undefined;
    },

    async signOut() {
      token.clear();
      await storage.removeItem(tokensKey);
      await storage.removeItem(pendingKey);
    },
  };
}
