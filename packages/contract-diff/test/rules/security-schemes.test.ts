// Rules api-security-scheme-changed, api-security-scheme-bearer-format-changed, api-security-oauth-flow-removed,
// api-security-oauth-flow-added, api-security-oauth-url-moved, api-security-oauth-scope-removed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messages, openapi, verdicts } from './docs.js';

type Obj = Record<string, unknown>;
const secured = (schemes: Obj, security: Obj[] = [{ auth: [] }]): Obj => openapi({ security }, { components: { securitySchemes: schemes } });
const oauth = (flows: Obj): Obj => ({ type: 'oauth2', flows });
const cc = (tokenUrl = 'https://auth.example/oauth/token', scopes: Obj = { 'report:read': 'read', 'report:submit': 'submit' }): Obj => ({ tokenUrl, scopes });

describe('security scheme changed under the same name', () => {
  it('apiKey → http bearer under the name operations use: every caller is unauthenticated (breaking)', async () => {
    const base = secured({ auth: { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
    const revision = secured({ auth: { type: 'http', scheme: 'bearer' } });
    expect(await verdicts(base, revision)).toEqual([['api-security-scheme-changed', 'breaking']]);
    expect((await messages(base, revision))[0]).toMatch(/auth: type "apiKey" → "http", in "header" → null, name "X-API-Key" → null, scheme null → "bearer"/);
  });

  it('the key moving from a header to a query parameter breaks; a header name differing only in case does not', async () => {
    const header = secured({ auth: { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
    expect(await verdicts(header, secured({ auth: { type: 'apiKey', in: 'query', name: 'X-API-Key' } }))).toEqual([['api-security-scheme-changed', 'breaking']]);
    expect(await verdicts(header, secured({ auth: { type: 'apiKey', in: 'header', name: 'x-api-key' } }))).toEqual([]);
  });

  it('twin: the same change to a scheme no requirement refers to keeps oasdiff\'s info rows', async () => {
    const base = secured({ auth: { type: 'http', scheme: 'bearer' }, legacy: { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
    const revision = secured({ auth: { type: 'http', scheme: 'bearer' }, legacy: { type: 'http', scheme: 'basic' } });
    expect(await verdicts(base, revision)).toEqual([
      ['api-security-component-type-changed', 'info'],
      ['api-security-scheme-changed', 'info'],
    ]);
  });

  it('bearerFormat changed: a warning (it documents the token, the header stays the same)', async () => {
    const base = secured({ auth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(await verdicts(base, secured({ auth: { type: 'http', scheme: 'Bearer', bearerFormat: 'opaque' } }))).toEqual([['api-security-scheme-bearer-format-changed', 'warning']]);
  });
});

describe('OAuth flows', () => {
  it('a flow removed from a scheme in use breaks the clients that get tokens through it', async () => {
    const base = secured({ auth: oauth({ clientCredentials: cc(), password: cc() }) });
    expect(await verdicts(base, secured({ auth: oauth({ clientCredentials: cc() }) }))).toEqual([['api-security-oauth-flow-removed', 'breaking']]);
  });

  it('twin: adding an authorization-code flow (what this repo\'s contract did for public clients) is info', async () => {
    const contract = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../contracts/generated/openapi.json', import.meta.url)), 'utf8')) as {
      components: { securitySchemes: Record<string, { flows?: Record<string, unknown> }> };
    };
    const withCode = Object.entries(contract.components.securitySchemes).find(([, s]) => s.flows?.authorizationCode)!;
    expect(withCode, 'the contract has an authorization-code flow').toBeDefined();
    const before = structuredClone(contract);
    delete before.components.securitySchemes[withCode[0]]!.flows!.authorizationCode;
    expect(await verdicts(before, contract)).toEqual([['api-security-oauth-flow-added', 'info']]);
    expect(await verdicts(contract, before)).toEqual([['api-security-oauth-flow-removed', 'breaking']]);
  });

  it('the token endpoint\'s path moving breaks; the same path on another host (a deployment\'s own issuer) is info', async () => {
    const base = secured({ auth: oauth({ clientCredentials: cc() }) });
    expect(await verdicts(base, secured({ auth: oauth({ clientCredentials: cc('https://auth.example/oauth2/v2/token') }) }))).toEqual([['api-security-oauth-url-moved', 'breaking']]);
    expect(await verdicts(base, secured({ auth: oauth({ clientCredentials: cc('http://127.0.0.1:9999/oauth/token') }) }))).toEqual([['api-security-component-oauth-token-url-changed', 'info']]);
  });

  it('a scope removed from a flow in use breaks token requests naming it; a scope added does not', async () => {
    const base = secured({ auth: oauth({ clientCredentials: cc() }) });
    expect(await verdicts(base, secured({ auth: oauth({ clientCredentials: cc(undefined, { 'report:read': 'read' }) }) }))).toEqual([['api-security-oauth-scope-removed', 'breaking']]);
    expect(await verdicts(base, secured({ auth: oauth({ clientCredentials: cc(undefined, { 'report:read': 'read', 'report:submit': 'submit', admin: 'admin' }) }) }))).toEqual([
      ['api-security-component-oauth-scope-added', 'info'],
    ]);
  });
});
