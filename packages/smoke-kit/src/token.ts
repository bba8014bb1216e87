import { fetchClientCredentialsToken, type AccessToken, type FetchTokenOptions, TokenError } from '@cleanapp/api-client';
import { mask, registerSecret } from './mask.js';
import type { Target } from './target.js';

/** Options of `fetchToken`; the kit registers the credentials for masking itself. */
export type TokenOptions = Omit<FetchTokenOptions, 'onSecret'>;

/**
 * An access token for `scopes` from the target's token endpoint (`@cleanapp/api-client`'s cached
 * client-credentials client), with the client secret, the Basic value and the token registered for masking.
 */
export async function fetchToken(target: Pick<Target, 'auth'>, scopes: string | readonly string[], options: TokenOptions = {}): Promise<AccessToken> {
  const auth = target.auth;
  if (!auth) throw new TokenError('the target has no auth section, but a token is needed (add auth.tokenUrl, auth.clientId, auth.clientSecret)');
  registerSecret(auth.clientSecret);
  try {
    return await fetchClientCredentialsToken(auth, scopes, { ...options, onSecret: registerSecret });
  } catch (err) {
    // The endpoint's answer is quoted in the message; mask it before it travels anywhere.
    if (err instanceof TokenError) err.message = mask(err.message);
    throw err;
  }
}
