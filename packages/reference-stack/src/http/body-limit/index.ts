import { errorResponse, HttpError } from '../error/index.js';
import { beginExchange } from '../exchange/index.js';

/** The largest request body any surface accepts by default. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLargeFor = (maxBytes: number) => () => new HttpError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes`);

/** Reads a JSON body within the size limit: 413/415/400 instead of a crash on anything else. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = tooLargeFor(maxBytes);
  if (Number(request.headers.get('content-length') ?? 'NaN') > maxBytes) throw tooLarge();
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = request.body ? (await readLimited(request.body, maxBytes, tooLarge)).toString('utf8') : '';
  if (raw.length === 0) return undefined;
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${type || 'none'})`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new HttpError(400, 'bad_request', `Malformed JSON: ${(error as Error).message}`, [{ location: 'body', message: 'is not valid JSON' }]);
  }
}

async function readLimited(stream: ReadableStream<Uint8Array>, maxBytes: number, tooLarge: () => HttpError): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * Every surface's guard (listen.ts puts it in front of each app): a body above `maxBytes` gets the 413
 * envelope before the app sees it. A body without Content-Length (chunked) is read within the limit
 * first, so no app ever reads an unbounded stream.
 */
export function withBodyLimit(fetch: Fetch, maxBytes = MAX_BODY_BYTES): Fetch {
  const tooLarge = tooLargeFor(maxBytes);
  return async (request) => {
    try {
      if (Number(request.headers.get('content-length') ?? 'NaN') > maxBytes) throw tooLarge();
      if (request.body && !request.headers.has('content-length')) {
        const body = await readLimited(request.body, maxBytes, tooLarge);
        request = new Request(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(body), signal: request.signal });
      }
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error, beginExchange((name) => request.headers.get(name)));
      throw error;
    }
    return fetch(request);
  };
}
