// Rules api-server-base-path-changed, api-operation-server-moved, api-server-host-changed, api-server-added.
import { describe, expect, it } from 'vitest';
import { openapi, verdicts } from './docs.js';

const servers = (...urls: string[]) => urls.map((url) => ({ url }));

describe('root servers', () => {
  it('a base path no server keeps moves every route: breaking', async () => {
    const base = openapi({}, { servers: servers('https://api.example.com/v1') });
    expect(await verdicts(base, openapi({}, { servers: servers('https://api.example.com/v2') }))).toEqual([['api-server-base-path-changed', 'breaking']]);
    // Variables count with their defaults: /{version} defaulting to v1 is the same base path.
    const templated = openapi({}, { servers: [{ url: 'https://api.example.com/{version}', variables: { version: { default: 'v1' } } }] });
    expect(await verdicts(base, templated)).toEqual([]);
  });

  it('twin: another host with the same base path (a deployment), an extra server or a new description is not breaking', async () => {
    const base = openapi({}, { servers: servers('https://api.example.com/v1') });
    expect(await verdicts(base, openapi({}, { servers: servers('https://eu.api.example.com/v1') }))).toEqual([['api-server-host-changed', 'info']]);
    expect(await verdicts(base, openapi({}, { servers: servers('https://api.example.com/v1', 'https://sandbox.example.com/v1') }))).toEqual([['api-server-added', 'info']]);
    expect(await verdicts(base, openapi({}, { servers: [{ url: 'https://api.example.com/v1/', description: 'Production' }] }))).toEqual([]);
  });
});

describe('path- and operation-level servers', () => {
  const root = { servers: servers('https://api.example.com') };

  it('an operation sent to another host by its own servers has moved: breaking', async () => {
    const base = openapi({}, root);
    expect(await verdicts(base, openapi({ servers: servers('https://uploads.example.com') }, root))).toEqual([['api-operation-server-moved', 'breaking']]);
    const pathLevel = openapi({}, root);
    (pathLevel.paths as Record<string, Record<string, unknown>>)['/reports/{id}']!.servers = servers('https://api.example.com/reports-v2');
    expect(await verdicts(base, pathLevel)).toEqual([['api-server-base-path-changed', 'breaking']]);
  });

  it('twin: overrides that follow the API to a new host (oasdiff TestBreaking_Servers) or restate the root are not breaking', async () => {
    const base = openapi({ servers: servers('https://dev.example.com') }, { servers: servers('https://dev.example.com') });
    const moved = openapi({ servers: servers('https://qa.example.com') }, { servers: servers('https://qa.example.com') });
    expect(await verdicts(base, moved)).toEqual([['api-server-host-changed', 'info']]);
    expect(await verdicts(openapi({}, root), openapi({ servers: servers('https://api.example.com') }, root))).toEqual([]);
  });
});
