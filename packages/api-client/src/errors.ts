import type { components } from './generated/schema.js';

type Envelope = components['schemas']['ErrorEnvelope'];

/** A non-2xx answer, carrying the contract's error envelope when the API sent one. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  readonly status: number;
  readonly code: Envelope['error']['code'] | 'unknown';
  readonly requestId: string | undefined;
  readonly details: NonNullable<Envelope['error']['details']>;

  constructor(response: Response, body: unknown) {
    const envelope = isEnvelope(body) ? body.error : undefined;
    super(`${response.status} ${envelope ? `${envelope.code}: ${envelope.message}` : response.statusText || 'error'}`);
    this.status = response.status;
    this.code = envelope?.code ?? 'unknown';
    this.requestId = envelope?.request_id ?? response.headers.get('x-request-id') ?? undefined;
    this.details = envelope?.details ?? [];
  }
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && typeof (body as Envelope).error?.code === 'string';
}

/**
 * Returns `data` of an openapi-fetch result or throws ApiRequestError — for callers who prefer
 * exceptions to checking `error`.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new ApiRequestError(result.response, result.error);
}
