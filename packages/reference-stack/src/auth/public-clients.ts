// Public clients (browser and mobile apps: no secret, authorization code + PKCE) and the test users that
// stand in for an identity provider on the reference stack: their configuration and its validation.

/** An app registered for the authorization-code flow. */
export interface PublicClient {
  clientId: string;
  /** Compared character for character with the request's redirect_uri (no prefix or pattern matching). */
  redirectUris: string[];
  /** What a user of this app may grant it; never `admin`. */
  scopes: string[];
}

/** A resource owner who signs in on the issuer's login form. Tokens name them as `sub` = `user:<username>`. */
export interface TestUser {
  username: string;
  password: string;
}

/**
 * Scopes a user token may never carry: administrative operations belong to services (client credentials),
 * whatever a public client's registration says.
 */
export const CONFIDENTIAL_ONLY_SCOPES: readonly string[] = ['admin'];

/** The token subject of a user: a prefix no client_id has (OAUTH_CLIENTS ids cannot contain `:`), so a user is never taken for a client by the policy. */
export const userSubject = (username: string) => `user:${username}`;

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * A redirect URI a public client may register: absolute, no fragment (RFC 6749 §3.1.2); http(s) for web
 * apps, or a private-use scheme in reverse-domain form for native apps (RFC 8252 §7.1, `com.example.app:/cb`).
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URI "${uri}" is not an absolute URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && !url.protocol.includes('.')) return `redirect URI "${uri}" must be http:, https: or a reverse-domain scheme (com.example.app:)`;
  if (uri.includes('#')) return `redirect URI "${uri}" must not have a fragment`;
  return undefined;
}

/**
 * Checks a configuration: well-formed ids and URIs, no `admin` for a public client, no client id shared
 * with a confidential client, unique usernames. Throws naming the first problem.
 */
export function checkPublicClients(clients: PublicClient[], users: TestUser[], confidentialIds: string[]): void {
  const seen = new Set<string>(confidentialIds);
  for (const client of clients) {
    if (!CLIENT_ID.test(client.clientId)) throw new Error(`public client id "${client.clientId}" must be 1-64 of A-Z a-z 0-9 . _ -`);
    if (seen.has(client.clientId)) throw new Error(`public client id "${client.clientId}" is already a client id`);
    seen.add(client.clientId);
    if (client.redirectUris.length === 0) throw new Error(`public client "${client.clientId}" needs at least one redirect URI`);
    for (const uri of client.redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new Error(`public client "${client.clientId}": ${problem}`);
    }
    const forbidden = client.scopes.filter((s) => CONFIDENTIAL_ONLY_SCOPES.includes(s));
    if (forbidden.length > 0) throw new Error(`public client "${client.clientId}" may not have scope ${forbidden.join(' ')} (user tokens never carry it)`);
    if (client.scopes.length === 0) throw new Error(`public client "${client.clientId}" needs at least one scope`);
  }
  const names = new Set<string>();
  for (const user of users) {
    if (!USERNAME.test(user.username)) throw new Error(`username "${user.username}" must be 1-64 of A-Z a-z 0-9 . _ @ -`);
    if (names.has(user.username)) throw new Error(`username "${user.username}" is listed twice`);
    if (user.password.length < 8) throw new Error(`the password of "${user.username}" must have at least 8 characters`);
    names.add(user.username);
  }
}

/**
 * OAUTH_PUBLIC_CLIENTS: `id|redirect_uri redirect_uri|scope scope,id2|…` → public clients (validated by
 * checkPublicClients when the issuer starts).
 */
export function parsePublicClients(spec: string): PublicClient[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [clientId, uris, scopes, ...extra] = entry.split('|');
      if (!clientId || !uris || scopes === undefined || extra.length > 0) throw new Error(`OAUTH_PUBLIC_CLIENTS entry "${entry}" must be id|redirect_uri[ redirect_uri…]|scope[ scope…]`);
      return { clientId: clientId.trim(), redirectUris: uris.split(/\s+/).filter(Boolean), scopes: scopes.split(/\s+/).filter(Boolean) };
    });
}

/** OAUTH_USERS: `username:password,username2:password2` (a password may contain `:`, not `,`). */
export function parseUsers(spec: string): TestUser[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const sep = entry.indexOf(':');
      if (sep <= 0 || sep === entry.length - 1) throw new Error(`OAUTH_USERS entry "${entry.replace(/:.*/, ':***')}" must be username:password`);
      return { username: entry.slice(0, sep), password: entry.slice(sep + 1) };
    });
}
