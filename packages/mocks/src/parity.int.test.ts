// The issue's done-criterion: "Mocks and real stack answer the same example request with bodies that both
// validate against the contract". Starts the real reference stack (RabbitMQ at AMQP_URL / 127.0.0.1:5672,
// PostgreSQL at DATABASE_URL / 127.0.0.1:5432), sends the contract's example requests to it and to the MSW
// mocks, and checks both answers against the contract.
import { OpenApiValidator } from '@cleanapp/contracts';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from './handlers.js';
import { exampleRequest, readBody } from './test-helpers.js';
import type { OperationId } from './types.js';

const MOCK = 'http://api.mock.cleanapp.test';
const validator = new OpenApiValidator();
// Everything the stack does over loopback (its JWKS fetch, the GraphQL gateway, our calls to it) passes through.
const server = setupServer(...createHandlers({ baseUrl: MOCK, requireAuth: true }));
let stack: RunningStack;
let token: string;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  stack = await startStack();
  token = await stack.token();
});
afterAll(async () => {
  server.close();
  await stack?.stop();
});

interface Answer {
  status: number;
  contentType: string;
  requestId: string | null;
  body: unknown;
}

/** Sends the same example request (same headers, body and path parameters) to one base URL. */
async function send(baseUrl: string, operationId: OperationId, requestId: string, pathParams: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(exampleRequest(operationId, baseUrl, { authorization: `Bearer ${token}`, 'x-request-id': requestId }, pathParams));
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', requestId: response.headers.get('x-request-id'), body: await readBody(response) };
}

/** Both answers: same status, X-Request-ID echoed, each body valid against the contract for its status. */
async function parity(operationId: OperationId, pathParams: { mock?: Record<string, string>; real?: Record<string, string> } = {}) {
  const id = `parity-${operationId}-${Date.now()}`;
  const mock = await send(MOCK, operationId, `${id}-mock`, pathParams.mock);
  const real = await send(stack.target.rest.baseUrl, operationId, `${id}-real`, pathParams.real);
  expect({ operationId, mock: mock.status }).toEqual({ operationId, mock: real.status });
  expect(mock.requestId).toBe(`${id}-mock`);
  expect(real.requestId).toBe(`${id}-real`);
  expect({ source: 'mock', problems: validator.validateResponse(operationId, mock.status, mock.body, mock.contentType) }).toEqual({ source: 'mock', problems: [] });
  expect({ source: 'real', problems: validator.validateResponse(operationId, real.status, real.body, real.contentType) }).toEqual({ source: 'real', problems: [] });
  return { mock, real };
}

describe('mocks and the real reference stack answer the same example requests validly', () => {
  let ids: { mock: { receipt_id: string; public_id: string }; real: { receipt_id: string; public_id: string } };

  it('submitReport (the contract example "publish") → 202 receipt from both', async () => {
    const { mock, real } = await parity('submitReport');
    expect(mock.status).toBe(202);
    ids = { mock: mock.body as typeof ids.mock, real: real.body as typeof ids.real };
    expect(ids.real.receipt_id).toMatch(/^rcp_/);
    expect(ids.real.receipt_id).not.toBe(ids.mock.receipt_id); // really answered by the stack
  });

  it('getReceipt with the returned receipt_id → 200 from both', async () => {
    const { mock } = await parity('getReceipt', { mock: { receipt_id: ids.mock.receipt_id }, real: { receipt_id: ids.real.receipt_id } });
    expect(mock.status).toBe(200);
  });

  it('getReport with the returned public_id → 200 from both', async () => {
    const { mock } = await parity('getReport', { mock: { public_id: ids.mock.public_id }, real: { public_id: ids.real.public_id } });
    expect(mock.status).toBe(200);
  });

  it('getHealth → 200 from both', async () => {
    expect((await parity('getHealth')).mock.status).toBe(200);
  });

  it('getVersion → 200 from both', async () => {
    expect((await parity('getVersion')).mock.status).toBe(200);
  });

  it.each(['listReportsNear', 'listReportPoints', 'getReportSummary', 'getStats', 'getOpenApiDocument'] as const)(
    '%s (contract example parameters) → the same status from both, both valid',
    async (operationId) => {
      await parity(operationId);
    },
  );

  it('without a token: the mock (requireAuth) and the stack both answer submitReport with a valid 401', async () => {
    const request = (base: string) => {
      const r = exampleRequest('submitReport', base);
      return fetch(r);
    };
    const [mock, real] = await Promise.all([request(MOCK), request(stack.target.rest.baseUrl)]);
    expect([mock.status, real.status]).toEqual([401, 401]);
    for (const response of [mock, real]) {
      expect(validator.validateResponse('submitReport', 401, await readBody(response), response.headers.get('content-type') ?? '')).toEqual([]);
    }
  });
});
