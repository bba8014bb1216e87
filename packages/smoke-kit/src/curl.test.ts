import { afterEach, describe, expect, it } from 'vitest';
import { buildCurl, shellQuote } from './curl.js';
import { clearSecrets, registerSecret } from './mask.js';

afterEach(() => clearSecrets());

describe('buildCurl', () => {
  it('builds a POST with headers and body, the token masked', () => {
    const line = buildCurl({
      method: 'POST',
      url: 'http://127.0.0.1:43123/api/v4/reports',
      headers: [
        ['authorization', 'Bearer eyJhbGciOi.real.token'],
        ['content-type', 'application/json'],
        ['x-request-id', 'smoke-1'],
        ['content-length', '12'],
      ],
      body: '{"title":"it\'s"}',
    });
    expect(line).toBe(
      `curl -sS -i -X POST http://127.0.0.1:43123/api/v4/reports -H 'Authorization: Bearer ***' -H 'Content-Type: application/json' -H 'X-Request-ID: smoke-1' --data-raw '{"title":"it'\\''s"}'`,
    );
  });

  it('omits -X for a GET without body and quotes URLs with query strings', () => {
    expect(buildCurl({ method: 'GET', url: 'http://h/api/v4/reports?near=1,2&limit=5', headers: [] })).toBe(`curl -sS -i 'http://h/api/v4/reports?near=1,2&limit=5'`);
  });

  it('masks registered secrets anywhere in the line and any Authorization scheme', () => {
    registerSecret('client-secret-value');
    const line = buildCurl({ method: 'POST', url: 'http://h/t', headers: [['authorization', 'Basic Zm9vOmJhcg==']], body: 'secret=client-secret-value' });
    expect(line).toBe(`curl -sS -i -X POST http://h/t -H 'Authorization: Basic ***' --data-raw secret=***`);
    expect(buildCurl({ method: 'GET', url: 'http://h/', headers: [['authorization', 'opaque']] })).toContain(`-H 'Authorization: ***'`);
  });

  it('shellQuote leaves safe words bare and single-quotes the rest', () => {
    expect(shellQuote('http://h:1/a')).toBe('http://h:1/a');
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
  });
});
