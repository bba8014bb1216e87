import { randomUUID } from 'node:crypto';
import { OpenApiValidator, type Operation } from '@cleanapp/contracts';
import { curlOf, expectError, matrixHeadline, parameterExample, suiteContext, type OperationId, type ParameterExamples } from '@cleanapp/smoke-kit';
import { base64url, decodeJwt, decodeProtectedHeader, exportSPKI, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The auth matrix: for every operation of the contract, the allow/deny answers its security
 * requirement implies. Public operations answer without a token; protected ones answer 401 (error
 * envelope) to every kind of bad credential, 403 to a valid token without the scope, and their normal
 * answer (anything but 400/401/403/5xx) to a valid token with it.
 *
 * Tokens with chosen claims (expired, wrong iss, …) need a key the target trusts: `auth.testSigningKey`.
 * Without one those checks are skipped, with the reason in their name.
 */

const ctx = suiteContext();
const validator = new OpenApiValidator();
const testKey = ctx.target.auth?.testSigningKey;
const NO_TEST_KEY = 'skipped: the target trusts no test signing key (auth.testSigningKey)';

/** Requests in flight at once, and how long one may take. */
const CONCURRENCY = 12;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * `source_id_prefix` for `deleteSyntheticReports`: inside this run's prefix (`smoke-<run id>-`) and
 * narrower still, matching nothing the suites submit, so the matrix never deletes data a concurrent
 * check relies on (or races a submission; the runner removes this run's data at the end anyway).
 */
const SOURCE_PREFIX = `smoke-${ctx.runId}-auth-none-`;

const operations = validator.operations;
const requiredScopes = (op: Operation) => [...new Set(op.security.flatMap((alt) => Object.values(alt).flat()))];
const isPublic = (op: Operation) => op.security.length === 0 || op.security.some((alt) => Object.keys(alt).length === 0);
const publicOps = operations.filter(isPublic);
const protectedOps = operations.filter((op) => !isPublic(op));
/** Scopes of the first alternative: what a valid token for the operation carries. */
const grantedScopes = (op: Operation) => [...new Set(Object.values(op.security[0] ?? {}).flat())];
/** Every scope the contract's OAuth2 schemes define. */
const allScopes = (() => {
  const schemes = (validator.document.components?.securitySchemes ?? {}) as Record<string, { flows?: Record<string, { scopes?: Record<string, string> }> }>;
  const scopes = new Set<string>();
  for (const scheme of Object.values(schemes)) for (const flow of Object.values(scheme.flows ?? {})) for (const s of Object.keys(flow.scopes ?? {})) scopes.add(s);
  for (const op of operations) for (const s of requiredScopes(op)) scopes.add(s);
  return [...scopes].sort();
})();
/**
 * Operations the policy decision point governs beyond scopes (contracts/policy/decisions.yaml), by the
 * client the policy allows: a valid token with the scope but for another client meets a policy deny (403
 * carrying `decision_id`), which is not what the scope checks here are about. With the test key, the
 * "allowed" checks mint the token for that client, so a deny there is a real failure. Without it the suite
 * cannot be that client: it then accepts only a policy deny, a 403 whose envelope names a decision_id,
 * which still proves the token passed authentication and the scope check (the policy suite tests the policy).
 */
const POLICY_CLIENT: Partial<Record<string, string>> = { promoteReport: 'moderation' };
const policyClaims = (op: Operation): JWTPayload => {
  const client = POLICY_CLIENT[op.operationId];
  return client ? { sub: client, client_id: client, synthetic_prefix: undefined } : {};
};

/** A destructive operation we may call with a valid token only when it can be narrowed to this run's data. */
const unsafeWithValidToken = (op: Operation) => op.method === 'DELETE' && !op.parameters.some((p) => p.in === 'query' && p.name === 'source_id_prefix');

// ---------------------------------------------------------------------------------------------------
// Requests built from the contract

/** The node at a JSON pointer of the bundled contract, following local `$ref`s. */
function at(pointer: string): unknown {
  let node: unknown = validator.document;
  for (const raw of pointer.split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return deref(node);
}

function deref(node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 20 && current && typeof current === 'object' && typeof (current as { $ref?: unknown }).$ref === 'string'; i++) {
    current = at(((current as { $ref: string }).$ref).slice(1));
  }
  return current;
}

interface ParamObject extends ParameterExamples {
  schema?: NonNullable<ParameterExamples['schema']> & { pattern?: string };
}

const exampleOf = (param: ParamObject): unknown => parameterExample(param, deref);

/** A well-formed id nobody has: `^rpt_[A-Za-z0-9]{12}$` → `rpt_AAAAAAAAAAAA`; else the contract's example. */
function pathValue(param: ParamObject): string {
  const schema = deref(param.schema) as ParamObject['schema'];
  const m = schema?.pattern ? /^\^([A-Za-z0-9_-]*)\[A-Za-z0-9\]\{(\d+)\}\$$/.exec(schema.pattern) : null;
  if (m) return `${m[1]}${'A'.repeat(Number(m[2]))}`;
  return String(exampleOf(param) ?? 'AAAAAAAAAAAA');
}

let sourceCounter = 0;
/** The contract's request example with a fresh synthetic source_id of this run. */
function bodyFor(op: Operation): string | undefined {
  if (!op.requestBody) return undefined;
  const body = at(op.requestBody.pointer) as { content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }>; schema?: unknown }> };
  const media = body.content?.['application/json'];
  const schema = deref(media?.schema) as { example?: unknown; examples?: unknown[] } | undefined;
  const example = media?.example ?? Object.values(media?.examples ?? {})[0]?.value ?? schema?.example ?? schema?.examples?.[0] ?? {};
  const value = structuredClone(example) as Record<string, unknown>;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('source_id' in value || op.operationId === 'submitReport') value.source_id = ctx.sourceId(`auth-${op.operationId}-${++sourceCounter}`);
    value.synthetic = true;
  }
  return JSON.stringify(value);
}

interface BuiltRequest {
  path: string;
  init: RequestInit;
}

function requestFor(op: Operation): BuiltRequest {
  let path = op.path;
  const query = new URLSearchParams();
  for (const param of op.parameters) {
    const object = at(param.pointer) as ParamObject;
    if (param.in === 'path') path = path.replace(`{${param.name}}`, encodeURIComponent(pathValue(object)));
    else if (param.in === 'query') {
      if (param.name === 'source_id_prefix') query.set(param.name, SOURCE_PREFIX);
      else if (param.required) query.set(param.name, String(exampleOf(object)));
    }
  }
  const body = bodyFor(op);
  const qs = query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    init: { method: op.method, ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) },
  };
}

/** Sends the operation's request with `authorization` (none when undefined). */
async function send(op: Operation, authorization?: string): Promise<Response> {
  const { path, init } = requestFor(op);
  const headers = new Headers(init.headers);
  if (authorization !== undefined) headers.set('authorization', authorization);
  return ctx.fetch(path, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

// ---------------------------------------------------------------------------------------------------
// Matrix execution

/** Runs `fn` over `items` with at most CONCURRENCY in flight. */
async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Checks `expectation` for every operation (concurrently) and fails once, listing every operation
 * that did not answer as expected (each with its curl line and response).
 */
async function forEach(ops: readonly Operation[], what: string, check: (op: Operation) => Promise<void>): Promise<void> {
  const failures = (
    await pool(ops, async (op) => {
      try {
        await check(op);
        return undefined;
      } catch (err) {
        return { op, message: (err as Error).message };
      }
    })
  ).filter((f) => f !== undefined);
  if (failures.length > 0) {
    const headline = matrixHeadline(ops.length, what, failures.map((f) => f.message));
    throw new Error(`${headline}\n\n${failures.map(({ op, message }) => `${op.operationId} ${op.method} ${op.path}: ${message}`).join('\n\n')}`);
  }
}

async function expect401(op: Operation, authorization?: string): Promise<void> {
  await expectError(op.operationId as OperationId, await send(op, authorization), 401, { code: 'unauthorized' });
}

async function expect403(op: Operation, authorization: string): Promise<void> {
  await expectError(op.operationId as OperationId, await send(op, authorization), 403, { code: 'forbidden' });
}

/**
 * The operation's normal answer: not a refusal, not a broken request and (unless `allow5xx`: a public
 * health check may legitimately answer 503) not a server error.
 */
async function expectAllowed(op: Operation, authorization?: string, { allow5xx = false, policyDeny = false } = {}): Promise<void> {
  const res = await send(op, authorization);
  const status = res.status;
  if (policyDeny && status === 403) {
    const decision = ((await res.clone().json().catch(() => undefined)) as { error?: { decision_id?: unknown } } | undefined)?.error?.decision_id;
    if (typeof decision === 'string' && decision.length > 0) return;
  }
  if (status === 401 || status === 403 || status === 400 || (status >= 500 && !allow5xx)) {
    const text = await res.clone().text();
    const why = status === 400 ? 'the request built from the contract was refused as invalid' : status >= 500 ? 'a server error' : 'refused';
    throw new Error(`expected the operation's normal answer, got ${status} (${why})\n  reproduce: ${curlOf(res)}\n  response:  ${status} ${text.slice(0, 600)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Tokens

const now = () => Math.floor(Date.now() / 1000);

/** A real token from the token endpoint for the operation's scopes. */
const realToken = (op: Operation) => ctx.token(...grantedScopes(op));

/** Claims of real tokens (iss, aud, sub, …): the template for tokens with chosen claims. */
let template: JWTPayload;
let realKid: string | undefined;

let signingKey: { key: CryptoKey | Uint8Array; alg: string; kid?: string } | undefined;
async function signWithTestKey(claims: JWTPayload, kid?: string | null): Promise<string> {
  if (!testKey) throw new Error('no test signing key');
  if (!signingKey) {
    const alg = testKey.alg ?? (testKey.kty === 'RSA' ? 'RS256' : testKey.kty === 'EC' ? ({ 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[String(testKey.crv)] ?? 'ES256' : 'EdDSA');
    signingKey = { key: (await importJWK(testKey as JWK, alg)) as CryptoKey, alg, ...(testKey.kid ? { kid: testKey.kid } : {}) };
  }
  const header: { alg: string; typ: string; kid?: string } = { alg: signingKey.alg, typ: 'JWT' };
  const useKid = kid === null ? undefined : (kid ?? signingKey.kid);
  if (useKid) header.kid = useKid;
  return new SignJWT(claims).setProtectedHeader(header).sign(signingKey.key);
}

/** Valid claims for `scopes`, then `overrides` (undefined values remove a claim). */
function claims(scopes: string[], overrides: JWTPayload = {}): JWTPayload {
  const t = now();
  const out: JWTPayload = { ...template, scope: scopes.join(' '), iat: t - 5, nbf: t - 5, exp: t + 300, jti: randomUUID(), ...overrides };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

const bearer = (token: string) => `Bearer ${token}`;
const unsigned = (header: object, payload: object) => `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`;

/** The same token with its signature altered (one bit of the first byte flipped). */
function tamperSignature(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = base64url.decode(s);
  sig[0] = sig[0]! ^ 0x01;
  return `${h}.${p}.${base64url.encode(sig)}`;
}

/** The target's JWKS: discovery from the tokens' `iss`, else `<iss or token endpoint origin>/.well-known/jwks.json`. */
async function fetchJwks(): Promise<{ url: string; keys: JWK[] } | { error: string }> {
  const tried: string[] = [];
  const iss = typeof template.iss === 'string' ? template.iss.replace(/\/+$/, '') : undefined;
  const candidates: string[] = [];
  const tokenOrigin = new URL(ctx.target.auth!.tokenUrl).origin;
  for (const base of [iss, tokenOrigin].filter((b): b is string => !!b && /^https?:\/\//.test(b))) {
    try {
      const res = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (res.ok) {
        const uri = ((await res.json()) as { jwks_uri?: string }).jwks_uri;
        if (uri) candidates.push(uri);
      }
    } catch {
      // no discovery document; try the conventional path
    }
    candidates.push(`${base}/.well-known/jwks.json`);
  }
  for (const url of [...new Set(candidates)]) {
    tried.push(url);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (!res.ok) continue;
      const body = (await res.json()) as { keys?: JWK[] };
      if (Array.isArray(body.keys)) return { url, keys: body.keys };
    } catch {
      // next candidate
    }
  }
  return { error: `no JWKS found (tried ${tried.join(', ')})` };
}

// ---------------------------------------------------------------------------------------------------

beforeAll(async () => {
  const any = protectedOps[0] ? await realToken(protectedOps[0]) : await ctx.token();
  try {
    template = decodeJwt(any);
    realKid = decodeProtectedHeader(any).kid;
  } catch (error) {
    // The forged-token matrix is built from a real token's header and claims: it needs a JWT issuer.
    throw new Error(`the auth suite needs JWT access tokens; the target's token endpoint (auth.tokenUrl) issued one that is not a JWT (${(error as Error).message})`);
  }
  for (const k of ['scope', 'scp', 'iat', 'nbf', 'exp', 'jti'] as const) delete template[k];
  // Tokens for every scope set the matrix uses, fetched once up front.
  await Promise.all([...new Set(protectedOps.map((op) => grantedScopes(op).sort().join(' ')))].map((s) => ctx.token(...s.split(' '))));
});

describe('auth', () => {
  it(`the contract has operations to check (${publicOps.length} public, ${protectedOps.length} protected)`, () => {
    expect(operations.length).toBeGreaterThan(0);
    expect(protectedOps.length, 'protected operations').toBeGreaterThan(0);
  });

  describe(`public operations (${publicOps.length}) answer without a token`, () => {
    it.skipIf(publicOps.length === 0)(`no token → not 401/403 (${publicOps.map((o) => o.operationId).join(', ')})`, async () => {
      await forEach(publicOps, 'a public operation refused a request without a token', (op) => expectAllowed(op, undefined, { allow5xx: true }));
    });
  });

  describe(`protected operations (${protectedOps.length}) refuse bad credentials with a 401 envelope`, () => {
    it('no token → 401', async () => {
      await forEach(protectedOps, 'accepted a request without a token', (op) => expect401(op));
    });

    it('malformed Authorization header (a valid token without "Bearer ") → 401', async () => {
      await forEach(protectedOps, 'accepted a malformed Authorization header', async (op) => expect401(op, await realToken(op)));
    });

    it('Authorization scheme other than Bearer (Basic) → 401', async () => {
      const basic = `Basic ${Buffer.from(`smoke-${ctx.runId}:not-a-secret`).toString('base64')}`;
      await forEach(protectedOps, 'accepted Basic credentials', (op) => expect401(op, basic));
    });

    it('bad signature (a real token with one signature bit flipped) → 401', async () => {
      await forEach(protectedOps, 'accepted a token with a bad signature', async (op) => expect401(op, bearer(tamperSignature(await realToken(op)))));
    });

    it('alg "none" (unsigned token with valid claims) → 401', async () => {
      await forEach(protectedOps, 'accepted an unsigned alg:none token', async (op) => {
        const real = await realToken(op);
        const header = { ...decodeProtectedHeader(real), alg: 'none' };
        await expect401(op, bearer(unsigned(header, decodeJwt(real))));
      });
    });

    it('HS256 signed with the RSA public key from the JWKS (algorithm confusion) → 401', async (t) => {
      const jwks = await fetchJwks();
      if ('error' in jwks) return t.skip(`skipped: ${jwks.error}`);
      const jwk = jwks.keys.find((k) => k.kid === realKid && k.kty === 'RSA') ?? jwks.keys.find((k) => k.kty === 'RSA');
      if (!jwk) return t.skip(`skipped: the JWKS at ${jwks.url} has no RSA key`);
      // The classic attack: the verifier's public key, as PEM, used as the HMAC secret.
      const pem = await exportSPKI((await importJWK({ ...jwk, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey);
      const secret = new TextEncoder().encode(pem);
      await forEach(protectedOps, 'accepted an HS256 token keyed with the RSA public key', async (op) => {
        const token = await new SignJWT(decodeJwt(await realToken(op)))
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
          .sign(secret);
        await expect401(op, bearer(token));
      });
    });

    describe('tokens signed by the trusted test key', () => {
      const withKey = testKey ? it : it.skip;
      const name = (text: string) => (testKey ? text : `${text} (${NO_TEST_KEY})`);

      withKey(name('control: valid claims and the scope → not 401/403 (the target trusts the test key)'), async () => {
        await forEach(protectedOps.filter((op) => !unsafeWithValidToken(op)), 'refused a valid token signed by auth.testSigningKey: the target does not trust it, so the checks below prove nothing', async (op) =>
          expectAllowed(op, bearer(await signWithTestKey(claims(grantedScopes(op), policyClaims(op))))),
        );
      });

      withKey(name('unknown kid (trusted key, kid not in the JWKS) → 401'), async () => {
        await forEach(protectedOps, 'accepted a token whose kid is not in the JWKS', async (op) =>
          expect401(op, bearer(await signWithTestKey(claims(grantedScopes(op)), `unknown-${randomUUID()}`))),
        );
      });

      withKey(name('expired token (exp 10 min ago) → 401'), async () => {
        const t = now();
        await forEach(protectedOps, 'accepted an expired token', async (op) =>
          expect401(op, bearer(await signWithTestKey(claims(grantedScopes(op), { iat: t - 1200, nbf: t - 1200, exp: t - 600 })))),
        );
      });

      withKey(name('nbf 10 min in the future → 401'), async () => {
        const t = now();
        await forEach(protectedOps, 'accepted a token that is not valid yet', async (op) =>
          expect401(op, bearer(await signWithTestKey(claims(grantedScopes(op), { iat: t, nbf: t + 600, exp: t + 1200 })))),
        );
      });

      withKey(name('wrong iss → 401'), async () => {
        await forEach(protectedOps, 'accepted a token from another issuer', async (op) =>
          expect401(op, bearer(await signWithTestKey(claims(grantedScopes(op), { iss: `https://issuer.invalid/${ctx.runId}` })))),
        );
      });

      withKey(name('wrong aud → 401'), async () => {
        await forEach(protectedOps, 'accepted a token for another audience', async (op) =>
          expect401(op, bearer(await signWithTestKey(claims(grantedScopes(op), { aud: `not-${String(template.aud ?? 'the-api')}` })))),
        );
      });
    });
  });

  describe('scopes', () => {
    it(`a valid token lacking the required scope → 403 envelope${testKey ? ' (tokens from the test key)' : ' (narrower tokens from the token endpoint)'}`, async (t) => {
      const unavailable: string[] = [];
      const lacking = new Map<Operation, string>();
      await pool(protectedOps, async (op) => {
        const others = allScopes.filter((s) => !requiredScopes(op).includes(s));
        if (testKey) return void lacking.set(op, await signWithTestKey(claims(others)));
        // Without a test key: the token endpoint, asked for every other scope, else for one of them.
        for (const scopes of [others, ...others.map((s) => [s])]) {
          if (scopes.length === 0) continue;
          try {
            return void lacking.set(op, await ctx.token(...scopes));
          } catch {
            // this client may not have these scopes; try a narrower set
          }
        }
        unavailable.push(op.operationId);
      });
      if (lacking.size === 0) return t.skip(`skipped: the token endpoint grants no token without the required scopes (${unavailable.join(', ')})`);
      await forEach([...lacking.keys()], 'did not answer 403 to a token without the required scope', (op) => expect403(op, bearer(lacking.get(op)!)));
      if (unavailable.length > 0) t.annotate?.(`no narrower token for ${unavailable.join(', ')}`);
    });

    it('a valid token with the required scope → the operation\'s normal answer (not 401/403)', async () => {
      const ops = protectedOps.filter((op) => !unsafeWithValidToken(op));
      await forEach(ops, 'refused a valid token with the required scope', async (op) => {
        if (!POLICY_CLIENT[op.operationId]) return expectAllowed(op, bearer(await realToken(op)));
        if (testKey) return expectAllowed(op, bearer(await signWithTestKey(claims(grantedScopes(op), policyClaims(op)))));
        return expectAllowed(op, bearer(await realToken(op)), { policyDeny: true });
      });
    });
  });

});
