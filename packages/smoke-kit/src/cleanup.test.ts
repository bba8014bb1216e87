import { clearTokenCache } from '@cleanapp/api-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { removeSyntheticData } from './cleanup.js';
import { parseTarget } from './target.js';

const target = parseTarget({
  name: 't',
  rest: { baseUrl: 'http://api.test' },
  auth: { tokenUrl: 'http://auth.test/oauth/token', clientId: 'c', clientSecret: 's' },
});

/** A fetch that answers the token endpoint and the admin API the way the test says. */
function fakeFetch(tokenAnswer: { status: number; body: unknown }, deleteAnswer: { status: number; body: unknown }, seen: string[]) {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    seen.push(`${req.method} ${req.url} ${req.headers.get('authorization') ?? ''}`);
    const answer = req.url.startsWith('http://auth.test') ? tokenAnswer : deleteAnswer;
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
  }) as typeof fetch;
}

describe('removeSyntheticData', () => {
  beforeEach(() => clearTokenCache());

  it("deletes this run's synthetic reports with an admin token", async () => {
    const seen: string[] = [];
    const result = await removeSyntheticData(
      target,
      'run42',
      fakeFetch({ status: 200, body: { access_token: 'adm', token_type: 'Bearer', expires_in: 300, scope: 'admin' } }, { status: 200, body: { deleted: 3 } }, seen),
    );
    expect(result).toEqual({ removed: 3 });
    expect(seen[1]).toBe('DELETE http://api.test/api/v4/admin/reports/synthetic?source_id_prefix=smoke-run42- Bearer adm');
  });

  it('keeps the data and says why when the client may not use the admin scope', async () => {
    const seen: string[] = [];
    const result = await removeSyntheticData(target, 'run42', fakeFetch({ status: 400, body: { error: 'invalid_scope', error_description: 'no admin' } }, { status: 500, body: {} }, seen));
    expect(result).toEqual({ skipped: 'the client may not use the admin scope' });
    expect(seen).toHaveLength(1); // never called the API
  });

  it('reports a refused delete without throwing', async () => {
    const result = await removeSyntheticData(
      target,
      'run42',
      fakeFetch({ status: 200, body: { access_token: 'adm', token_type: 'Bearer', expires_in: 300, scope: 'admin' } }, { status: 403, body: { error: { code: 'forbidden', message: 'no', request_id: 'r' } } }, []),
    );
    expect(result).toEqual({ skipped: 'DELETE /api/v4/admin/reports/synthetic answered 403 forbidden' });
  });
});
