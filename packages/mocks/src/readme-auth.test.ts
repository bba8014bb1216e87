// The README's token-endpoint example, as written there (it must keep compiling and passing).
import { createApiClient, createPkceAuth } from '@cleanapp/api-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthHandlers, setupMockServer } from './node.js';

const baseUrl = 'https://api.cleanapp.example';
const auth = createAuthHandlers({ issuerUrl: 'https://auth.cleanapp.example' }); // the contract's paths; any client_id
const server = setupMockServer({ baseUrl, auth }); // secured operations accept only tokens `auth` issued
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('README: signs in with PKCE and calls the API', async () => {
  const pkce = createPkceAuth({ authorizationUrl: auth.authorizeUrl, tokenUrl: auth.tokenUrl, clientId: 'my-app', redirectUri: 'myapp:/callback', scope: 'report:read' });
  const login = await fetch(await pkce.authorizationRequestUrl(), { redirect: 'manual' }); // approved at once
  await pkce.handleCallback(login.headers.get('location')!);
  const api = createApiClient({ baseUrl, token: pkce.token });
  const { response } = await api.GET('/api/v4/stats');
  expect(response.status).toBe(200);
  expect((await createApiClient({ baseUrl, token: 'made-up' }).GET('/api/v4/stats')).response.status).toBe(401);
});
