// The authorization endpoint (RFC 6749 §4.1.1-4.1.2, RFC 7636 §4.3): GET shows a login form, POST signs the
// user in and redirects back to the app with a code. The reference stack has no identity provider; its test
// users (OAUTH_USERS) sign in with a password on this form.
import type { Context, Hono } from 'hono';
import type { HttpEnv } from '../http/exchange/index.js';
import { S256_CHALLENGE, safeEqual, type GrantStore } from './grants.js';
import { CONFIDENTIAL_ONLY_SCOPES, userSubject, type PublicClient, type TestUser } from './public-clients.js';

export interface AuthorizeOptions {
  /** The `iss` response parameter (RFC 9207), so an app talking to several issuers knows which one answered. */
  issuer: string;
  clients: PublicClient[];
  users: TestUser[];
  grants: GrantStore;
}

/** A validated authorization request. */
interface AuthorizationRequest {
  client: PublicClient;
  redirectUri: string;
  state: string | null;
  scope: string[];
  codeChallenge: string;
}

type Checked =
  | { ok: true; request: AuthorizationRequest }
  /** Before the client and redirect_uri are known good: an error page, never a redirect (RFC 6749 §4.1.2.1). */
  | { ok: false; page: string }
  | { ok: false; redirect: URL };

/** The parameters the form carries from GET to POST. */
const CARRIED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function redirectTo(redirectUri: string, params: Record<string, string | null>): URL {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url;
}

function check(params: URLSearchParams, options: AuthorizeOptions): Checked {
  // RFC 6749 §3.1: a parameter sent twice is an error; for client_id and redirect_uri it is an error page.
  for (const name of ['client_id', 'redirect_uri'] as const) {
    if (params.getAll(name).length > 1) return { ok: false, page: `${name} is given more than once.` };
  }
  const clientId = params.get('client_id');
  if (!clientId) return { ok: false, page: 'client_id is missing.' };
  const client = options.clients.find((c) => c.clientId === clientId);
  if (!client) return { ok: false, page: `Unknown client "${clientId}": no app is registered under this id.` };
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) return { ok: false, page: 'redirect_uri is missing.' };
  if (!client.redirectUris.includes(redirectUri)) return { ok: false, page: `redirect_uri "${redirectUri}" is not registered for client "${clientId}".` };

  // From here errors go back to the app (§4.1.2.1), with its state.
  const state = params.getAll('state').length > 1 ? null : params.get('state');
  const fail = (error: string, description: string): Checked => ({ ok: false, redirect: redirectTo(redirectUri, { error, error_description: description, state, iss: options.issuer }) });
  const twice = CARRIED.find((name) => params.getAll(name).length > 1);
  if (twice) return fail('invalid_request', `${twice} is given more than once`);
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const challenge = params.get('code_challenge');
  if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  if (params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)');
  if (!S256_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge must be 43 base64url characters (SHA-256 of the verifier)');
  const requested = (params.get('scope') ?? '').split(' ').filter(Boolean);
  const beyond = requested.filter((s) => !client.scopes.includes(s) || CONFIDENTIAL_ONLY_SCOPES.includes(s));
  if (beyond.length > 0) return fail('invalid_scope', `not allowed for this client: ${beyond.join(' ')}`);
  const scope = requested.length > 0 ? [...new Set(requested)] : client.scopes;
  return { ok: true, request: { client, redirectUri, state, scope, codeChallenge: challenge } };
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The login form must not be framed by another site (clickjacking) nor load anything else.
  'x-frame-options': 'DENY',
  // No form-action: Chromium applies it to the redirect after the POST too, which leaves for the app.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const page = (title: string, body: string, status: 200 | 400) =>
  new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>` +
      `<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;margin:.4rem 0}.error{color:#b00020}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    { status, headers: PAGE_HEADERS },
  );

const errorPage = (message: string) => page('Sign-in request refused', `<p class="error" role="alert">${escapeHtml(message)}</p>`, 400);

function loginForm(params: URLSearchParams, request: AuthorizationRequest, error?: string, username = ''): Response {
  const hidden = CARRIED.map((name) => {
    const value = params.get(name);
    return value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  }).join('');
  return page(
    'Sign in to CleanApp',
    `<p><strong>${escapeHtml(request.client.clientId)}</strong> asks for: ${escapeHtml(request.scope.join(', '))}.</p>` +
      (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '') +
      `<form method="post" action="authorize">${hidden}` +
      `<label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}">` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit" name="decision" value="allow">Sign in</button>` +
      `<button type="submit" name="decision" value="deny" formnovalidate>Cancel</button></form>`,
    200,
  );
}

const found = (location: URL) => new Response(null, { status: 302, headers: { location: location.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });

async function formOf(c: Context<HttpEnv>): Promise<URLSearchParams | undefined> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(await c.req.text());
}

/** GET and POST /oauth/authorize on the issuer's app. */
export function authorizeRoutes(app: Hono<HttpEnv>, options: AuthorizeOptions): void {
  app.get('/oauth/authorize', (c) => {
    const params = new URL(c.req.url).searchParams;
    const checked = check(params, options);
    if (!checked.ok) return 'page' in checked ? errorPage(checked.page) : found(checked.redirect);
    return loginForm(params, checked.request);
  });

  app.post('/oauth/authorize', async (c) => {
    const form = await formOf(c);
    if (!form) return errorPage('The sign-in form is sent as application/x-www-form-urlencoded.');
    const checked = check(form, options);
    if (!checked.ok) return 'page' in checked ? errorPage(checked.page) : found(checked.redirect);
    const { request } = checked;
    const back = (params: Record<string, string>) => found(redirectTo(request.redirectUri, { ...params, state: request.state, iss: options.issuer }));
    if (form.get('decision') === 'deny') return back({ error: 'access_denied', error_description: 'the user cancelled the sign-in' });
    const username = form.get('username') ?? '';
    const user = options.users.find((u) => u.username === username);
    // Compare a password even for an unknown user, so timing does not tell which usernames exist.
    const passwordOk = safeEqual(user?.password ?? '\u0000unknown-user', form.get('password') ?? '');
    if (!user || !passwordOk) return loginForm(form, request, 'Wrong username or password.', username);
    const code = options.grants.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      subject: userSubject(user.username),
    });
    return back({ code });
  });
}
