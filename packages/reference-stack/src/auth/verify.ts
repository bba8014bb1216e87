import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

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

export interface VerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

/** Checks bearer tokens against the issuer's JWKS (fetched over HTTP, as a separate service would). */
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey;

  constructor(private readonly options: VerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 5_000, timeoutDuration: 3_000 });
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
      ({ payload } = await jwtVerify(match[1]!, this.jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'sub', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      }));
      // jose applies the tolerance to exp too; an expired token stays expired.
      if (typeof payload.exp === 'number' && payload.exp <= Date.now() / 1000) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
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

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? `The token was issued more than ${MAX_TOKEN_AGE_SECONDS} s ago` : 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is invalid (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was signed by an unknown key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token uses an algorithm that is not accepted';
  if (error instanceof errors.JWKSTimeout) return 'The signing keys could not be fetched in time';
  return 'The token is malformed or invalid';
}
