import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface Principal {
  clientId: string;
  scopes: Set<string>;
  /** The source_id prefix of the synthetic data this client owns (token claim `synthetic_prefix`). */
  syntheticPrefix?: string;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; message: string };

/** Clock skew tolerated between issuer and verifier for `iat` and `nbf` (never for `exp`), seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** The oldest `iat` accepted, whatever `exp` says (the issuer's tokens live 15 minutes). */
export const MAX_TOKEN_AGE_SECONDS = 24 * 3600;

/**
 * How long a verified token's signature check is reused (seconds): a client sends the same token with
 * every request until it expires, and the RSA check is most of an authorised request's CPU. A key the
 * issuer withdraws stops being trusted for cached tokens after at most this long.
 */
export const VERIFIED_TOKEN_TTL_SECONDS = 60;
/** Verified tokens remembered at most (the oldest is forgotten first); a token is about 1 kB. */
export const VERIFIED_TOKEN_CACHE_SIZE = 1_000;

export interface VerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** The signing keys (default: the issuer's JWKS at jwksUrl, over HTTP); tests pass a local set. */
  keys?: JWTVerifyGetKey;
  /** Seconds since the epoch (tests move time). */
  now?: () => number;
}

/**
 * Checks bearer tokens against the issuer's JWKS (fetched over HTTP, as a separate service would).
 * Tokens that verified are remembered by their exact text for VERIFIED_TOKEN_TTL_SECONDS: a repeat skips
 * the signature check but not the time checks (exp, nbf, token age), so it expires exactly as before. Only
 * successes are remembered: a forged or altered token differs in text and is verified in full every time.
 */
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey;
  private readonly now: () => number;
  private readonly verified = new Map<string, { payload: JWTPayload; until: number }>();

  constructor(private readonly options: VerifierOptions) {
    this.jwks = options.keys ?? createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 5_000, timeoutDuration: 3_000 });
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** The token's claims if its signature and claims check out (from the cache when it verified recently). */
  private async verify(token: string): Promise<JWTPayload> {
    const now = this.now();
    const cached = this.verified.get(token);
    if (cached && cached.until > now) {
      checkTimes(cached.payload, now);
      return cached.payload;
    }
    if (cached) this.verified.delete(token);
    const currentDate = new Date(now * 1000);
    const { payload } = await jwtVerify(token, this.jwks, {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'sub', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      currentDate,
    });
    checkTimes(payload, now);
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { payload, until: now + VERIFIED_TOKEN_TTL_SECONDS });
    return payload;
  }

  /**
   * `requirements` is the operation's OpenAPI security: alternatives of scheme → scopes. An empty list
   * means public. Missing or invalid credentials → 401; valid but lacking a scope → 403.
   */
  async authorize(authorization: string | undefined, requirements: Record<string, string[]>[]): Promise<AuthResult | { ok: true; principal?: undefined }> {
    if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return { ok: true };
    const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(authorization ?? '');
    if (!authorization) return { ok: false, status: 401, message: 'A bearer token is required' };
    if (!match) return { ok: false, status: 401, message: 'The Authorization header must be "Bearer <token>"' };
    let payload;
    try {
      payload = await this.verify(match[1]!);
    } catch (error) {
      return { ok: false, status: 401, message: describe(error) };
    }
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : []);
    const prefix = payload.synthetic_prefix;
    const principal: Principal = { clientId: String(payload.sub), scopes, ...(typeof prefix === 'string' && prefix.length > 0 ? { syntheticPrefix: prefix } : {}) };
    const satisfied = requirements.some((req) => Object.values(req).every((needed) => needed.every((s) => scopes.has(s))));
    if (!satisfied) {
      const needed = [...new Set(requirements.flatMap((r) => Object.values(r).flat()))];
      return { ok: false, status: 403, message: `The token lacks a required scope (${needed.join(' or ')})` };
    }
    return { ok: true, principal };
  }
}

/**
 * The time checks, again on every use of a remembered token: exp without tolerance (jose applies the
 * tolerance to exp too; an expired token stays expired), nbf and iat with CLOCK_TOLERANCE_SECONDS, and
 * the token's age.
 */
function checkTimes(payload: JWTPayload, now: number): void {
  if (typeof payload.exp === 'number' && payload.exp <= now) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
  if (typeof payload.nbf === 'number' && payload.nbf > now + CLOCK_TOLERANCE_SECONDS) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', payload, 'nbf', 'check_failed');
  if (typeof payload.iat === 'number' && now - payload.iat > MAX_TOKEN_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS) throw new errors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', payload, 'iat', 'check_failed');
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? `The token was issued more than ${MAX_TOKEN_AGE_SECONDS} s ago` : 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is invalid (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was signed by an unknown key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token uses an algorithm that is not accepted';
  if (error instanceof errors.JWKSTimeout) return 'The signing keys could not be fetched in time';
  return 'The token is malformed or invalid';
}
