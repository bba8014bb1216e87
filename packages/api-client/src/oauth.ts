// The token endpoint exchange shared by every grant (RFC 6749 §5): form POST, JSON answer, OAuth2 errors.
// Only `fetch`, `setTimeout` and `AbortController`: no Node built-ins, and neither `URL`/`URLSearchParams` nor
// `AbortSignal.timeout`, which React Native implements only in part.

/** `application/x-www-form-urlencoded` (and query string) encoding of the defined entries. */
export function formEncode(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** The query parameters of a URL (the first of each name), decoded as a form. */
export function queryParams(url: string): Map<string, string> {
  const params = new Map<string, string>();
  const query = url.split('#', 1)[0]!.split('?').slice(1).join('?');
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const [name, value = ''] = pair.split(/=(.*)/s, 2) as [string, string?];
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    try {
      if (!params.has(decode(name))) params.set(decode(name), decode(value));
    } catch {
      throw new TokenError(`malformed query parameter "${pair.slice(0, 40)}" in ${url.slice(0, 200)}`);
    }
  }
  return params;
}

/** The token endpoint refused, answered nonsense, or could not be reached. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

export interface AccessToken {
  accessToken: string;
  tokenType: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
  /** Present when the grant issued one (authorization code, refresh); rotated on every refresh. */
  refreshToken?: string;
}

export interface TokenRequestOptions {
  fetch?: typeof globalThis.fetch;
  /** Abort the token request after this long (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  /** Called with every credential this sends or receives (Basic value, access token), e.g. to mask it in logs. */
  onSecret?: (secret: string) => void;
}

/** Lifetime assumed when the endpoint sends no `expires_in`. */
const DEFAULT_LIFETIME_S = 300;

/**
 * POSTs `form` to `tokenUrl` and returns the Bearer token it issues. `context` ends every error message
 * (e.g. `client ingest-bot, scope "report:submit"`), so a failure says which request it was.
 */
export async function requestToken(
  tokenUrl: string,
  form: Record<string, string | undefined>,
  context: { describe: string; scope: string; headers?: Record<string, string> },
  options: TokenRequestOptions = {},
): Promise<AccessToken> {
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? globalThis.fetch)(tokenUrl, {
      method: 'POST',
      headers: { ...context.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: formEncode(form),
      signal: controller.signal,
    });
    text = await response.text();
  } catch (err) {
    const cause = controller.signal.aborted ? `no answer within ${options.timeoutMs ?? 10_000} ms` : ((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
    throw new TokenError(`token endpoint ${tokenUrl} unreachable (${cause})`);
  } finally {
    clearTimeout(timer);
  }
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const code = typeof json?.error === 'string' ? json.error : undefined;
    const description = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
    throw new TokenError(
      `token endpoint ${tokenUrl} answered ${response.status} ${code ?? (text.slice(0, 200) || response.statusText)}${description} (${context.describe})`,
      response.status,
      code,
    );
  }
  if (!json || typeof json.access_token !== 'string' || json.access_token.length === 0) {
    throw new TokenError(`token endpoint ${tokenUrl} answered ${response.status} without an access_token: ${text.slice(0, 200)}`, response.status);
  }
  const tokenType = typeof json.token_type === 'string' ? json.token_type : 'Bearer';
  if (tokenType.toLowerCase() !== 'bearer') {
    throw new TokenError(`token endpoint ${tokenUrl} answered token_type ${tokenType}, expected Bearer`, response.status);
  }
  options.onSecret?.(json.access_token);
  const refreshToken = typeof json.refresh_token === 'string' && json.refresh_token ? json.refresh_token : undefined;
  if (refreshToken) options.onSecret?.(refreshToken);
  const lifetimeS = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : DEFAULT_LIFETIME_S;
  return {
    accessToken: json.access_token,
    tokenType,
    expiresAt: now() + lifetimeS * 1000,
    scope: typeof json.scope === 'string' ? json.scope : context.scope,
    ...(refreshToken ? { refreshToken } : {}),
  };
}

/** A space-separated, de-duplicated, sorted scope string (so equal sets compare equal). */
export function normaliseScopes(scopes: string | readonly string[] | undefined): string {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : [...(scopes ?? [])];
  return [...new Set(list.filter(Boolean))].sort().join(' ');
}
