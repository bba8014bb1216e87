import { BrokerUnavailableError } from '@cleanapp/events/node';
import { HttpError } from '../http/error/index.js';
import { PolicyUnavailableError } from '../policy/client.js';
import { DatabaseUnavailableError } from '../store/db.js';
import { InvalidCursorError } from '../store/queries.js';
import { IdempotencyConflictError } from '../store/reports.js';

/** The REST status of what the stores and the broker throw (undefined: an unexpected error). */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof InvalidCursorError) {
    return new HttpError(400, 'validation_failed', 'The request does not match the contract', [{ location: 'query/cursor', message: error.message }]);
  }
  if (error instanceof IdempotencyConflictError) {
    return new HttpError(409, 'conflict', error.message, [{ location: 'body/source_id', message: `already used by ${error.existingPublicId}` }]);
  }
  if (error instanceof DatabaseUnavailableError) return new HttpError(503, 'unavailable', 'The database is unavailable');
  if (error instanceof BrokerUnavailableError) return new HttpError(503, 'unavailable', 'The broker is unavailable');
  // Fail closed: without a decision nothing the policy governs happens.
  if (error instanceof PolicyUnavailableError) return new HttpError(503, 'unavailable', 'The policy decision point is unavailable');
  return undefined;
}
