import { describe, expect, it } from 'vitest';
import { probeTokenEndpoint } from './probe.js';
import type { Target } from './target.js';

const target = (tokenUrl: string): Target => ({ name: 't', rest: { baseUrl: 'http://api.test' }, auth: { tokenUrl, clientId: 'c', clientSecret: 'probe-secret-value' } });
const answering = (status: number, body: string, type = 'application/json') => (async () => new Response(body, { status, headers: { 'content-type': type } })) as typeof fetch;

describe('probeTokenEndpoint', () => {
  it('accepts an endpoint that issues a token, or that refuses only the scope', async () => {
    expect(await probeTokenEndpoint(target('http://a.test/t1'), { fetch: answering(200, JSON.stringify({ access_token: 'x', token_type: 'Bearer' })) })).toBeUndefined();
    expect(await probeTokenEndpoint(target('http://a.test/t2'), { fetch: answering(400, JSON.stringify({ error: 'invalid_scope' })) })).toBeUndefined();
  });

  it.each([
    ['404', answering(404, 'Not Found', 'text/plain'), /answered 404 Not Found.*\[auth\.tokenUrl\]$/s],
    ['an HTML page', answering(200, '<html>login</html>', 'text/html'), /without an access_token.*\[auth\.tokenUrl\]$/s],
    ['JSON without access_token', answering(200, JSON.stringify({ id: 1 })), /without an access_token.*\[auth\.tokenUrl\]$/s],
  ])('names auth.tokenUrl when it answers %s', async (_what, fetchImpl, message) => {
    const problem = await probeTokenEndpoint(target(`http://a.test/${_what}`), { fetch: fetchImpl });
    expect(problem).toMatch(/^token endpoint issues no token: /);
    expect(problem).toMatch(message);
  });

  it('names the credentials when the client is refused, with the secret masked', async () => {
    const problem = await probeTokenEndpoint(target('http://a.test/t3'), { fetch: answering(401, JSON.stringify({ error: 'invalid_client', error_description: 'bad probe-secret-value' })) });
    expect(problem).toMatch(/\[auth\.clientId, auth\.clientSecret\]$/);
    expect(problem).not.toContain('probe-secret-value');
  });

  it('is not asked without an auth section', async () => {
    expect(await probeTokenEndpoint({ name: 't', rest: { baseUrl: 'http://api.test' } })).toBeUndefined();
  });
});
