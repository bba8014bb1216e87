// The authorization-code grant's state (RFC 6749 §4.1, RFC 7636 PKCE) and refresh-token rotation with reuse
// detection (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). In memory: the reference stack runs one issuer process,
// and a restart signs everybody out, which is what a test IdP may do.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a code stands for: issued to this client, for this redirect_uri and challenge, by this user. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  /** BASE64URL(SHA256(code_verifier)) as the client sent it (S256 is the only method). */
  codeChallenge: string;
  scope: string[];
  subject: string;
}

export interface Granted {
  ok: true;
  clientId: string;
  subject: string;
  /** The access token's scope (a refresh may narrow it). */
  scope: string[];
  refreshToken: string;
}

export interface Refused {
  ok: false;
  /** RFC 6749 §5.2 error code. */
  error: 'invalid_request' | 'invalid_grant' | 'invalid_scope';
  description: string;
}

export interface GrantStoreOptions {
  /** A code's lifetime (RFC 6749 §4.1.2: short; at most 10 minutes). Default 60 s. */
  codeTtlSeconds?: number;
  /** A refresh token's lifetime from its issue (each rotation starts a new one). Default 24 h. */
  refreshTtlSeconds?: number;
  now?: () => number;
}

interface CodeRecord extends CodeGrant {
  expiresAt: number;
  /** Set once redeemed: the family of refresh tokens it started (revoked if the code comes back). */
  family?: string;
}

interface Family {
  clientId: string;
  subject: string;
  scope: string[];
  /** Hash of the one refresh token of the family that still works. */
  current: string;
  expiresAt: number;
  revoked: boolean;
  /** Every refresh token hash this family issued (used ones stay, to recognise their reuse). */
  hashes: string[];
}

/** RFC 7636 §4.1: 43-128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge: 32 bytes, base64url without padding. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const digest = (value: string) => createHash('sha256').update(value, 'ascii').digest();
const hashOf = (token: string) => digest(token).toString('base64url');
const newToken = () => randomBytes(32).toString('base64url');

/** Equal strings, compared in constant time (for secrets). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export const verifierMatches = (verifier: string, challenge: string): boolean => safeEqual(digest(verifier).toString('base64url'), challenge);

const refuse = (error: Refused['error'], description: string): Refused => ({ ok: false, error, description });

export class GrantStore {
  /** Keyed by the hash of the code or token: a heap dump does not hand out live credentials. */
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly families = new Map<string, Family>();
  private readonly codeTtlMs: number;
  private readonly refreshTtlMs: number;
  private readonly now: () => number;

  constructor(options: GrantStoreOptions = {}) {
    this.codeTtlMs = (options.codeTtlSeconds ?? 60) * 1000;
    this.refreshTtlMs = (options.refreshTtlSeconds ?? 24 * 3600) * 1000;
    this.now = options.now ?? Date.now;
  }

  issueCode(grant: CodeGrant): string {
    this.purge();
    const code = newToken();
    this.codes.set(hashOf(code), { ...grant, scope: [...grant.scope], expiresAt: this.now() + this.codeTtlMs });
    return code;
  }

  /** The token request of RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5). */
  redeemCode(code: string, request: { clientId: string; redirectUri: string | null; codeVerifier: string | null }): Granted | Refused {
    if (request.codeVerifier === null) return refuse('invalid_request', 'code_verifier is required (PKCE)');
    if (!VERIFIER.test(request.codeVerifier)) return refuse('invalid_request', 'code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~');
    if (request.redirectUri === null) return refuse('invalid_request', 'redirect_uri is required');
    const record = this.codes.get(hashOf(code));
    if (!record) return refuse('invalid_grant', 'unknown authorization code');
    if (record.family !== undefined) {
      // A code presented twice was intercepted or replayed: what its first use issued is no longer safe.
      this.revoke(record.family);
      return refuse('invalid_grant', 'authorization code already used; the tokens it issued are revoked');
    }
    if (record.expiresAt <= this.now()) return refuse('invalid_grant', 'authorization code expired');
    // A stolen code presented by another client, or from another redirect, does not use up the real one.
    if (record.clientId !== request.clientId) return refuse('invalid_grant', 'authorization code was issued to another client');
    if (record.redirectUri !== request.redirectUri) return refuse('invalid_grant', 'redirect_uri differs from the one of the authorization request');
    if (!verifierMatches(request.codeVerifier, record.codeChallenge)) return refuse('invalid_grant', 'code_verifier does not match the code_challenge');
    const family = newToken();
    record.family = family;
    const refreshToken = this.startFamily(family, record);
    return { ok: true, clientId: record.clientId, subject: record.subject, scope: record.scope, refreshToken };
  }

  /** RFC 6749 §6 with rotation: the presented token is used up, a used one revokes its whole family. */
  refresh(token: string, request: { clientId: string; scope: string[] | undefined }): Granted | Refused {
    const hash = hashOf(token);
    const id = this.refreshTokens.get(hash);
    const family = id === undefined ? undefined : this.families.get(id);
    if (!family) return refuse('invalid_grant', 'unknown refresh token');
    if (family.revoked) return refuse('invalid_grant', 'refresh token revoked');
    if (family.clientId !== request.clientId) return refuse('invalid_grant', 'refresh token was issued to another client');
    if (family.current !== hash) {
      this.revoke(id!);
      return refuse('invalid_grant', 'refresh token already used; every token of its grant is revoked');
    }
    if (family.expiresAt <= this.now()) return refuse('invalid_grant', 'refresh token expired');
    const beyond = (request.scope ?? []).filter((s) => !family.scope.includes(s));
    if (beyond.length > 0) return refuse('invalid_scope', `beyond the original grant: ${beyond.join(' ')}`);
    const next = newToken();
    this.remember(id!, family, next);
    const scope = request.scope && request.scope.length > 0 ? request.scope : family.scope;
    return { ok: true, clientId: family.clientId, subject: family.subject, scope, refreshToken: next };
  }

  private startFamily(id: string, grant: CodeGrant): string {
    const token = newToken();
    const family: Family = { clientId: grant.clientId, subject: grant.subject, scope: grant.scope, current: '', expiresAt: 0, revoked: false, hashes: [] };
    this.families.set(id, family);
    this.remember(id, family, token);
    return token;
  }

  private remember(id: string, family: Family, token: string): void {
    const hash = hashOf(token);
    family.current = hash;
    family.expiresAt = this.now() + this.refreshTtlMs;
    family.hashes.push(hash);
    this.refreshTokens.set(hash, id);
  }

  private revoke(id: string): void {
    const family = this.families.get(id);
    if (family) family.revoked = true;
  }

  /**
   * Forgets what can no longer matter: codes 10 lifetimes after issue (until then a reuse is still
   * recognised), families whose last refresh token expired.
   */
  private purge(): void {
    const now = this.now();
    for (const [hash, record] of this.codes) if (record.expiresAt + 9 * this.codeTtlMs <= now) this.codes.delete(hash);
    for (const [id, family] of this.families) {
      if (family.expiresAt > now) continue;
      for (const hash of family.hashes) this.refreshTokens.delete(hash);
      this.families.delete(id);
    }
  }
}
