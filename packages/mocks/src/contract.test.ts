// (1) Every mocked response of every operation, for every status the contract has an example for,
// validates against the contract; the handlers cover exactly the contract's operations.
import { OpenApiValidator } from '@cleanapp/contracts';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, mockOperation, operationIds } from './handlers.js';
import { operationInfo, responseExamples } from './generated/fixtures.js';
import { BASE_URL, exampleRequest, readBody } from './test-helpers.js';
import type { OperationId, ResponseStatus } from './types.js';

const validator = new OpenApiValidator();
const server = setupServer(...createHandlers({ baseUrl: BASE_URL }));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const cases = validator.operations.flatMap((op) =>
  Object.keys(op.responses)
    .filter((status) => (responseExamples[op.operationId as OperationId] as Record<string, unknown> | undefined)?.[status] !== undefined)
    .map((status) => ({ operationId: op.operationId as OperationId, status: Number(status), method: op.method, path: op.path })),
);

describe('contract coverage', () => {
  it('has a handler and fixtures for exactly the operations of the contract', () => {
    expect([...operationIds].sort()).toEqual(validator.operations.map((o) => o.operationId).sort());
    for (const op of validator.operations) {
      const info = operationInfo[op.operationId as OperationId];
      expect({ method: info.method, path: info.path }).toEqual({ method: op.method, path: op.path });
    }
  });

  it('has an example for every declared response with content (so every status can be mocked with a body)', () => {
    const missing = validator.operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([status, r]) => r.mediaTypes.length > 0 && (responseExamples[op.operationId as OperationId] as Record<string, unknown>)[status] === undefined)
        .map(([status]) => `${op.operationId} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(cases.length).toBeGreaterThan(validator.operations.length * 2);
  });
});

describe('default handlers answer the success example', () => {
  it.each(validator.operations.map((o) => ({ operationId: o.operationId as OperationId, method: o.method, path: o.path })))(
    '$operationId ($method $path) validates against the contract',
    async ({ operationId }) => {
      const response = await fetch(exampleRequest(operationId, BASE_URL, { 'x-request-id': `default-${operationId}` }));
      const body = await readBody(response);
      expect(response.status).toBe(operationInfo[operationId].successStatus);
      expect(response.headers.get('x-request-id')).toBe(`default-${operationId}`);
      expect(validator.validateResponse(operationId, response.status, body, response.headers.get('content-type') ?? '')).toEqual([]);
      expect(body).toEqual((responseExamples[operationId] as Record<number, { body: unknown }>)[response.status]!.body);
    },
  );
});

describe('every declared example status', () => {
  it.each(cases)('$operationId $status ($method $path) validates against the contract', async ({ operationId, status }) => {
    server.use(mockOperation(operationId, { status } as { status: ResponseStatus<typeof operationId> }, { baseUrl: BASE_URL }));
    const requestId = `case-${operationId}-${status}`;
    const response = await fetch(exampleRequest(operationId, BASE_URL, { 'x-request-id': requestId }));
    const body = await readBody(response);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const contentType = response.headers.get('content-type') ?? '';
    expect(validator.validateResponse(operationId, status, body, contentType)).toEqual([]);
    if (status >= 400) {
      expect(contentType).toBe('application/json');
      expect(body).toMatchObject({ error: { request_id: requestId } });
      expect(validator.validateSchema('ErrorEnvelope', body)).toEqual([]);
    }
  });
});
