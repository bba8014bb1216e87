// The API's side of the decision point: it fails closed when the point cannot answer with a decision.
import { createServer } from 'node:http';
import type { PolicyInput } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyClient, PolicyUnavailableError } from './client.js';

const input: PolicyInput = { principal: { client_id: 'c', scopes: [] }, action: 'report:promote', resource: { type: 'report', lane: 'quarantine' } };
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let seen: { requestId?: string; body?: unknown } = {};
const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    seen = { requestId: req.headers['x-request-id'] as string, body: JSON.parse(raw) };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('PolicyClient', () => {
  it('posts { input } with the request id and returns the decision', async () => {
    answer = { status: 200, body: JSON.stringify({ result: false, decision_id: 'd-1', revision: 'sha256:0123456789abcdef' }) };
    expect(await new PolicyClient(url).decide(input, 'rid-7')).toEqual({ result: false, decision_id: 'd-1', revision: 'sha256:0123456789abcdef' });
    expect(seen).toEqual({ requestId: 'rid-7', body: { input } });
  });

  it.each([
    ['a 400', { status: 400, body: '{"error":{}}' }],
    ['a 200 without a boolean result', { status: 200, body: '{"result":"yes","decision_id":"d","revision":"r"}' }],
    ['a body that is not JSON', { status: 200, body: 'allow' }],
  ])('throws PolicyUnavailableError for %s (never an allow)', async (_name, reply) => {
    answer = reply;
    await expect(new PolicyClient(url).decide(input, 'rid')).rejects.toBeInstanceOf(PolicyUnavailableError);
  });

  it('throws PolicyUnavailableError when nothing listens', async () => {
    await expect(new PolicyClient('http://127.0.0.1:9').decide(input, 'rid')).rejects.toThrow(/unreachable/);
  });
});
