import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearTokenCache, fetchClientCredentialsToken as fetchToken, type ClientCredentials } from './client-credentials.js';
import { TokenError } from './oauth.js';

// A node:http token endpoint, so the test sees exactly what goes over the wire.
let server: Server;
let tokenUrl: string;
let issued = 0;
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      const expected = `Basic ${Buffer.from('smoke-runner:s3cr%3At').toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }));
        return;
      }
      const form = new URLSearchParams(body);
      issued += 1;
      res.end(JSON.stringify({ access_token: `tok-${issued}-abcdef`, token_type: 'Bearer', expires_in: 120, scope: form.get('scope') }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  clearTokenCache();
  seen.length = 0;
});

const target = (secret = 's3cr:t', audience?: string): ClientCredentials => ({ tokenUrl, clientId: 'smoke-runner', clientSecret: secret, ...(audience ? { audience } : {}) });

describe('fetchClientCredentialsToken', () => {
  it('uses the client-credentials grant with client_secret_basic and the requested scopes', async () => {
    const token = await fetchToken(target('s3cr:t', 'cleanapp-api'), ['report:submit', 'report:read']);
    expect(token.accessToken).toMatch(/^tok-\d+-abcdef$/);
    expect(token.tokenType).toBe('Bearer');
    expect(token.scope).toBe('report:read report:submit');
    const req = seen[0]!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ grant_type: 'client_credentials', scope: 'report:read report:submit', audience: 'cleanapp-api' });
  });

  it('caches per scope set until shortly before expiry', async () => {
    let now = 1_000_000;
    const opts = { now: () => now, refreshMarginMs: 30_000 };
    const a = await fetchToken(target(), 'report:submit', opts);
    const b = await fetchToken(target(), ['report:submit'], opts);
    expect(b).toBe(a);
    const [c, d] = await Promise.all([fetchToken(target(), 'report:read', opts), fetchToken(target(), 'report:read', opts)]);
    expect(c).toBe(d); // concurrent requests share one call
    expect(c.accessToken).not.toBe(a.accessToken);
    expect(seen).toHaveLength(2);
    now += 89_000; // 120 s lifetime, 30 s margin: still cached
    expect(await fetchToken(target(), 'report:submit', opts)).toBe(a);
    now += 2_000;
    expect((await fetchToken(target(), 'report:submit', opts)).accessToken).not.toBe(a.accessToken);
    expect(seen).toHaveLength(3);
  });

  it('explains a 401 with the endpoint, the status and the OAuth2 error, without the secret', async () => {
    const err = await fetchToken(target('wrong-secret'), 'report:submit').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).message).toBe(
      `token endpoint ${tokenUrl} answered 401 invalid_client: client authentication failed (client smoke-runner, scope "report:submit")`,
    );
    expect((err as TokenError).status).toBe(401);
    expect((err as TokenError).oauthError).toBe('invalid_client');
  });

  it('hands every credential it sends or receives to onSecret (for masking)', async () => {
    const secrets: string[] = [];
    const token = await fetchToken(target(), 'admin', { onSecret: (s) => secrets.push(s) });
    expect(secrets).toEqual([Buffer.from('smoke-runner:s3cr%3At').toString('base64'), token.accessToken]);
  });

  it('explains an unreachable endpoint', async () => {
    const err = await fetchToken({ tokenUrl: 'http://127.0.0.1:1/oauth/token', clientId: 'a', clientSecret: 'bbbb' }, 'x').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^token endpoint http:\/\/127\.0\.0\.1:1\/oauth\/token unreachable \(/);
  });
});
