import { describe, expect, it } from 'vitest';
import { HttpError } from '../error/index.js';
import { ANONYMOUS_DEVELOPER, authenticate, bearerToken, openAuthorizer, type Authorizer } from './index.js';

const answering = (result: Awaited<ReturnType<Authorizer['authorize']>>): Authorizer => ({ authorize: async () => result });

describe('authenticate', () => {
  it('returns the principal of accepted credentials', async () => {
    const principal = { clientId: 'c', scopes: new Set(['report:read']) };
    expect(await authenticate(answering({ ok: true, principal }), 'Bearer t', [])).toBe(principal);
  });

  it.each([
    [401, 'unauthorized', 'Bearer realm="cleanapp"'],
    [403, 'forbidden', 'Bearer error="insufficient_scope"'],
  ] as const)('turns a %i into an HttpError with its challenge', async (status, code, challenge) => {
    const error = await authenticate(answering({ ok: false, status, message: 'no' }), undefined, [{ cleanappAuth: [] }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status, code, message: 'no', headers: { 'www-authenticate': challenge } });
  });
});

describe('bearerToken', () => {
  it('extracts the token of a Bearer value only', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    for (const other of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'bearer a.b.c', 'Bearer a b']) expect(bearerToken(other)).toBeUndefined();
  });
});

describe('openAuthorizer (AUTH_REQUIRED=false)', () => {
  const refusing = answering({ ok: false, status: 401, message: 'bad token' });

  it('lets a request without credentials through with the scopes its operation asks for', async () => {
    const principal = await authenticate(openAuthorizer(refusing), undefined, [{ cleanappAuth: ['report:submit'] }, { cleanappAuth: ['admin'] }]);
    expect(principal).toEqual({ clientId: ANONYMOUS_DEVELOPER, scopes: new Set(['report:submit', 'admin']) });
  });

  it('still checks a token that is sent, and leaves public operations to the verifier', async () => {
    expect(await authenticate(openAuthorizer(refusing), 'Bearer forged', [{ cleanappAuth: ['report:read'] }]).catch((e: unknown) => e)).toMatchObject({ status: 401 });
    expect(await authenticate(openAuthorizer(answering({ ok: true })), undefined, [])).toBeUndefined();
  });
});
