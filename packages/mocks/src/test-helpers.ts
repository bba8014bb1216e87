// Shared by the tests: URLs for every operation built from the contract's request examples.
import { operationInfo, requestExamples } from './generated/fixtures.js';
import type { OperationId } from './types.js';

export const BASE_URL = 'http://api.mock.cleanapp.test';

/** The operation's path with its example path parameters, plus its required query parameters. */
export function exampleUrl(operationId: OperationId, baseUrl = BASE_URL, pathParams: Record<string, string> = {}): string {
  const example = requestExamples[operationId] as { path: Record<string, unknown>; query: Record<string, unknown> };
  const params = { ...example.path, ...pathParams };
  const path = operationInfo[operationId].path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(params[name])));
  const query = new URLSearchParams(Object.entries(example.query).map(([k, v]) => [k, String(v)]));
  return `${baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
}

/** The first named request-body example of an operation, if it has a body. */
export function exampleBodyOf(operationId: OperationId): unknown {
  const bodies = (requestExamples[operationId] as { bodies: Record<string, unknown> }).bodies;
  return Object.values(bodies)[0];
}

/** A fetch of the operation's example request (JSON body when it has one). */
export function exampleRequest(
  operationId: OperationId,
  baseUrl = BASE_URL,
  headers: Record<string, string> = {},
  pathParams: Record<string, string> = {},
): Request {
  const body = exampleBodyOf(operationId);
  return new Request(exampleUrl(operationId, baseUrl, pathParams), {
    method: operationInfo[operationId].method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Reads a response body the way the contract declares it (JSON or text). */
export async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return /[/+]json/.test(type) && text ? (JSON.parse(text) as unknown) : text;
}
