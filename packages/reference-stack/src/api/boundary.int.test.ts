import { OpenApiValidator } from '@cleanapp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type RunningStack } from '../stack.js';
import { boundaryCases, type BoundaryCase } from './boundary-cases.js';

const validator = new OpenApiValidator();

let stack: RunningStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

interface Answer {
  status: number;
  contentType: string;
  requestId: string | null;
  body: unknown;
}

async function send(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const response = await fetch(`${stack.target.rest.baseUrl}${url}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let parsed: unknown = text;
  if (contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { unparsable: text.slice(0, 200) };
    }
  }
  return { status: response.status, contentType, requestId: response.headers.get('x-request-id'), body: parsed };
}

/** What is wrong with one answer, by the contract: documented status, envelope on 4xx, valid 2xx bodies. */
function judge(operationId: string, answer: Answer): string[] {
  const { status, body } = answer;
  if (status >= 500) return [`${status} ${JSON.stringify(body).slice(0, 300)}`];
  const wrong = validator.validateResponse(operationId, status, body, answer.contentType || 'application/json').map((p) => `${status}: ${p.location} ${p.message}`);
  if (status >= 400 && (body as { error?: { request_id?: string } }).error?.request_id !== answer.requestId) wrong.push(`${status}: envelope request_id differs from X-Request-ID`);
  return wrong;
}

const locations = (answer: Answer) => ((answer.body as { error?: { details?: { location: string }[] } }).error?.details ?? []).map((d) => d.location);
const blamed = (c: BoundaryCase, answer: Answer) => locations(answer).some((l) => c.blame.some((b) => l === b || l.startsWith(`${b}/`)));

describe('boundary values from the contract', () => {
  it('every operation, every parameter and body property at its edges: documented statuses only, never 5xx', async () => {
    const cases = boundaryCases(validator, await stack.token());
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let requests = 0;
    const record = (answer: Answer) => {
      requests++;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      return answer;
    };

    const run = async (c: BoundaryCase) => {
      const answer = record(await send(c.method, c.url, c.headers, c.body));
      const problems = judge(c.operation.operationId, answer);
      if (c.invalid && answer.status !== 400) problems.push(`the contract rejects this request, the stack answered ${answer.status}`);
      if (answer.status === 400 && !blamed(c, answer)) problems.push(`400 names ${JSON.stringify(locations(answer))}, not ${c.blame.join(' or ')}`);
      if (!c.invalid && answer.status === 400 && !c.opaque) problems.push(`the contract accepts this request, the stack answered 400 ${JSON.stringify(locations(answer))}`);
      // An accepted report must read back as the contract describes it (e.g. reported_at still RFC 3339).
      if (answer.status === 202) {
        const { receipt_id, public_id } = answer.body as { receipt_id: string; public_id: string };
        const auth = { authorization: c.headers.authorization! };
        problems.push(...judge('getReceipt', record(await send('GET', `/api/v4/receipts/${receipt_id}`, auth))).map((p) => `receipt ${p}`));
        problems.push(...judge('getReport', record(await send('GET', `/api/v4/reports/${public_id}`, auth))).map((p) => `report ${p}`));
      }
      if (problems.length > 0) failures.push(`${c.name} ${c.method} ${c.url.slice(0, 120)} → ${problems.join('; ')}`);
    };

    for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(run));

    console.log(`boundary sweep: ${cases.length} cases, ${requests} requests over ${validator.operations.length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures, failures.slice(0, 30).join('\n')).toEqual([]);
    // Every operation was swept, and both sides of the contract's edges were reached.
    expect(new Set(cases.map((c) => c.operation.operationId)).size).toBe(validator.operations.length);
    for (const status of [200, 202, 400, 404]) expect(statuses.get(status), `status ${status} seen`).toBeGreaterThan(0);
    expect(cases.filter((c) => c.invalid).length).toBeGreaterThan(200);
    expect(cases.filter((c) => !c.invalid).length).toBeGreaterThan(200);
  }, 300_000);
});
