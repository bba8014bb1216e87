import { clearTokenCache, TokenError } from '@cleanapp/api-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSecrets, mask } from './mask.js';
import { fetchToken } from './token.js';

// The grant itself is tested in @cleanapp/api-client; here: what the kit adds (masking, the auth section).
const auth = (clientSecret: string) => ({ auth: { tokenUrl: 'http://issuer.test/oauth/token', clientId: 'smoke-runner', clientSecret } });
const answer = (status: number, body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  clearTokenCache();
  clearSecrets();
});

describe('fetchToken', () => {
  it('registers the client secret, the Basic value and the issued token for masking', async () => {
    const token = await fetchToken(auth('s3cr:t'), 'admin', { fetch: answer(200, { access_token: 'tok-1-abcdef', token_type: 'Bearer', expires_in: 60 }) });
    expect(token.accessToken).toBe('tok-1-abcdef');
    expect(mask(`got ${token.accessToken}, secret s3cr:t, basic ${btoa('smoke-runner:s3cr%3At')}`)).toBe('got ***, secret ***, basic ***');
  });

  it('masks the endpoint answer it quotes in a TokenError', async () => {
    const err = await fetchToken(auth('wrong-secret'), 'admin', { fetch: answer(401, { error: 'invalid_client', error_description: 'bad secret wrong-secret' }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).message).toBe('token endpoint http://issuer.test/oauth/token answered 401 invalid_client: bad secret *** (client smoke-runner, scope "admin")');
  });

  it('explains a target without auth', async () => {
    await expect(fetchToken({}, 'x')).rejects.toThrow(/no auth section/);
  });
});
