import type { components } from '@cleanapp/api-client';

type ErrorCode = components['schemas']['ErrorEnvelope']['error']['code'];
type Detail = NonNullable<components['schemas']['ErrorEnvelope']['error']['details']>[number];

/** An error a handler throws on purpose; becomes the contract's envelope with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Detail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function envelope(code: ErrorCode, message: string, requestId: string, details?: Detail[]) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}), request_id: requestId } };
}
