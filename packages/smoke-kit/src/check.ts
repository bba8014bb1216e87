import type { operations } from '@cleanapp/api-client';
import { loadOpenApi, OpenApiValidator, type OpenApiDocument, type Problem } from '@cleanapp/contracts';
import { buildCurl } from './curl.js';
import { exchangeOf, type Exchange } from './exchange.js';
import { mask } from './mask.js';

export type OperationId = keyof operations & string;

/** What `expectContract` accepts: a fetch `Response` or an openapi-fetch result `{ data, error, response }`. */
export type CheckedResult = Response | { response: Response; data?: unknown; error?: unknown };

type BodyOf<R> = R extends Response ? unknown : R extends { data?: infer D } ? Exclude<D, undefined> : unknown;

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: { location: string; message: string }[]; request_id: string };
}

export interface ContractResult<T> {
  operationId: string;
  status: number;
  headers: Headers;
  /** The response's `X-Request-ID`. */
  requestId: string;
  /** The parsed JSON body (or the raw text for non-JSON media types). */
  body: T;
  /** The body as received. */
  text: string;
  /** The masked curl line that repeats the request (or a note when it was not recorded). */
  curl: string;
  exchange?: Exchange;
}

export interface ContractExpectation<T> {
  /** Expected status(es); any declared status is accepted when omitted. */
  status?: number | readonly number[];
  /** For error answers: the expected `error.code`. */
  code?: string;
  /** More assertions on the checked body; a failure gets the curl line and response appended. */
  check?: (body: T, result: ContractResult<T>) => void | Promise<void>;
}

/** A response that does not match the contract or the expectation of the check. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    message: string,
    readonly problems: string[],
    readonly curl: string,
  ) {
    super(mask(message));
  }
}

let validator: OpenApiValidator | undefined;
/** The shared validator over the canonical bundled contract. */
export function contractValidator(): OpenApiValidator {
  validator ??= new OpenApiValidator();
  return validator;
}

/** The canonical OpenAPI document (contracts/generated/openapi.json). */
export function canonicalOpenApi(): OpenApiDocument {
  return loadOpenApi();
}

const MAX_BODY_IN_MESSAGE = 1500;

function describeResponse(status: number, headers: Headers, text: string): string {
  const shown = text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}… (${text.length} chars)` : text;
  return `${status} ${headers.get('content-type') ?? '(no content-type)'} X-Request-ID: ${headers.get('x-request-id') ?? '(none)'}${shown ? `\n    ${shown}` : ''}`;
}

/** Appends the reproduction (curl line) and the response to a failed assertion, keeping its type and diff. */
export function withReproduction(err: unknown, result: Pick<ContractResult<unknown>, 'curl' | 'status' | 'headers' | 'text'>): unknown {
  if (err instanceof Error && !err.message.includes('  reproduce: ')) {
    err.message = mask(`${err.message}\n  reproduce: ${result.curl}\n  response:  ${describeResponse(result.status, result.headers, result.text)}`);
  }
  return err;
}

const formatProblem = (p: Problem) => `${p.location}: ${p.message}`;

/**
 * Checks a response against the contract for `operationId` and throws a readable `ContractError`
 * (with a masked curl line) on the first failed check run:
 * - the status is the expected one (when given) and declared by the contract;
 * - `X-Request-ID` is present, and echoes the request's when it sent one;
 * - error statuses (≥ 400) use the envelope, with `error.request_id` equal to the header;
 * - the body validates against the schema declared for that status and media type.
 */
export async function expectContract<R extends CheckedResult>(
  operationId: OperationId,
  result: R,
  expectation: ContractExpectation<BodyOf<R>> = {},
): Promise<ContractResult<BodyOf<R>>> {
  const response = result instanceof Response ? result : result.response;
  const exchange = exchangeOf(response);
  let text: string;
  if (exchange) text = exchange.response.text;
  else if (!response.bodyUsed) text = await response.clone().text();
  else if (!(result instanceof Response)) text = JSON.stringify(result.data ?? result.error ?? null);
  else text = '';
  const status = response.status;
  const headers = response.headers;
  const contentType = headers.get('content-type') ?? '';
  const requestId = headers.get('x-request-id') ?? '';
  const curl = exchange ? buildCurl(exchange.request) : `(request not recorded: ${response.url || 'unknown URL'}; use the smoke-kit clients or ctx.fetch to get a curl line)`;

  const problems: string[] = [];
  const expected = expectation.status === undefined ? undefined : typeof expectation.status === 'number' ? [expectation.status] : expectation.status;
  if (expected && !expected.includes(status)) problems.push(`expected status ${expected.join(' or ')}, got ${status}`);
  if (!requestId) problems.push('the response has no X-Request-ID header');
  const sentId = exchange?.request.headers.find(([n]) => n.toLowerCase() === 'x-request-id')?.[1];
  if (sentId && requestId && sentId !== requestId) problems.push(`X-Request-ID not echoed: sent ${JSON.stringify(sentId)}, got ${JSON.stringify(requestId)}`);

  let body: unknown = text;
  const isJson = /[/+]json\b/i.test(contentType);
  if (isJson) {
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (err) {
      problems.push(`the body is not valid JSON (${(err as Error).message})`);
    }
  }
  const seen = new Set(problems);
  const add = (line: string) => {
    if (!seen.has(line)) {
      seen.add(line);
      problems.push(line);
    }
  };
  const v = contractValidator();
  if (!contentType && text !== '') add('the response has a body but no Content-Type');
  else if (!problems.some((p) => p.startsWith('the body is not valid JSON'))) {
    for (const p of v.validateResponse(operationId, status, body, contentType || 'application/json')) add(formatProblem(p));
  }
  if (status >= 400) {
    if (!isJson) add(`error responses must be JSON envelopes, got Content-Type ${contentType || '(none)'}`);
    else {
      for (const p of v.validateSchema('ErrorEnvelope', body)) add(`envelope${p.location}: ${p.message}`);
      const envelope = body as Partial<ErrorEnvelope> | undefined;
      const bodyId = envelope?.error?.request_id;
      if (typeof bodyId === 'string' && requestId && bodyId !== requestId) {
        add(`error.request_id ${JSON.stringify(bodyId)} differs from the X-Request-ID header ${JSON.stringify(requestId)}`);
      }
      if (expectation.code !== undefined && envelope?.error?.code !== expectation.code) {
        add(`expected error.code ${JSON.stringify(expectation.code)}, got ${JSON.stringify(envelope?.error?.code)}`);
      }
    }
  }

  const checked: ContractResult<BodyOf<R>> = { operationId, status, headers, requestId, body: body as BodyOf<R>, text, curl, ...(exchange ? { exchange } : {}) };
  if (problems.length > 0) {
    const method = exchange?.request.method ?? '';
    const url = exchange?.request.url ?? response.url;
    throw new ContractError(
      `${operationId} (${method} ${url}) does not match the contract:\n${problems.map((p) => `  - ${p}`).join('\n')}\n  reproduce: ${curl}\n  response:  ${describeResponse(status, headers, text)}`,
      problems,
      curl,
    );
  }
  if (expectation.check) {
    try {
      await expectation.check(checked.body, checked);
    } catch (err) {
      throw withReproduction(err, checked);
    }
  }
  return checked;
}

/** `expectContract` for an expected error answer: checks the status, the envelope and optionally its code. */
export async function expectError(
  operationId: OperationId,
  result: CheckedResult,
  status: number | readonly number[],
  expectation: Omit<ContractExpectation<ErrorEnvelope>, 'status'> = {},
): Promise<ContractResult<ErrorEnvelope>> {
  return (await expectContract(operationId, result as Response, { ...(expectation as ContractExpectation<unknown>), status })) as ContractResult<ErrorEnvelope>;
}
