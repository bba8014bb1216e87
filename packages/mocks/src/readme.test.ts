// The README's Node example, as written there (it must keep compiling and passing).
import { createApiClient } from '@cleanapp/api-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { mockOperation, setupMockServer } from './node.js';

const baseUrl = 'https://api.cleanapp.example';
const server = setupMockServer({ baseUrl, overrides: { getReport: { status: 404 } } }); // typed per operation/status
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it('README: shows the conflict message', async () => {
  server.use(mockOperation('submitReport', { status: 409 }, { baseUrl })); // the contract's 409 example
  const api = createApiClient({ baseUrl, token: 'test' });
  const { error } = await api.POST('/api/v4/reports', { body: { source_id: 'a:1', latitude: 52.5, longitude: 13.4 } });
  expect(error?.error.code).toBe('conflict');
});

it('README: the getReport override answers 404; GraphQL handlers are included', async () => {
  const api = createApiClient({ baseUrl, token: 'test' });
  const { response } = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: 'rpt_8Zq3nV1kT0aB' } } });
  expect(response.status).toBe(404);
  const gql = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query ReportById($publicId: ID!) { report(publicId: $publicId) { publicId lane } }', variables: { publicId: 'x' } }),
  });
  expect(await gql.json()).toMatchObject({ data: { report: { publicId: 'rpt_8Zq3nV1kT0aB', lane: 'PUBLISH' } } });
});
