import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formEncode, queryParams, requestToken, TokenError } from './oauth.js';

describe('formEncode and queryParams', () => {
  it('round-trip names and values with reserved characters, leaving undefined entries out', () => {
    const encoded = formEncode({ redirect_uri: 'https://app.example/cb?x=1&y=2', scope: 'report:read report:submit', audience: undefined, 'ä': '+/=' });
    expect(encoded).not.toContain('audience');
    expect(Object.fromEntries(new URLSearchParams(encoded))).toEqual({ redirect_uri: 'https://app.example/cb?x=1&y=2', scope: 'report:read report:submit', 'ä': '+/=' });
    expect(Object.fromEntries(queryParams(`https://app.example/cb?${encoded}`))).toEqual(Object.fromEntries(new URLSearchParams(encoded)));
  });

  it('reads a callback the way a browser would: + is a space, the fragment is not the query, the first value wins', () => {
    const params = queryParams('myapp://callback?code=a+b%2Bc&state=s1&state=s2&empty=&flag#state=fragment');
    expect(Object.fromEntries(params)).toEqual({ code: 'a b+c', state: 's1', empty: '', flag: '' });
    expect(queryParams('https://app.example/cb').size).toBe(0);
  });

  it('names a malformed escape instead of throwing URIError', () => {
    expect(() => queryParams('https://app.example/cb?code=%E0%A4%A')).toThrow(TokenError);
    expect(() => queryParams('https://app.example/cb?code=%E0%A4%A')).toThrow('malformed query parameter "code=%E0%A4%A"');
  });
});

// An endpoint that accepts the connection and never answers.
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('requestToken', () => {
  it('gives up after timeoutMs with an error that says so', async () => {
    const err = await requestToken(url, { grant_type: 'client_credentials' }, { describe: 'client x', scope: '' }, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as Error).message).toBe(`token endpoint ${url} unreachable (no answer within 200 ms)`);
  });
});
