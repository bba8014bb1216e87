import { HttpError } from '../error/index.js';

/** Reads a JSON body within the size limit: 413/415/400 instead of a crash on anything else. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes`);
  if (Number(request.headers.get('content-length') ?? 'NaN') > maxBytes) throw tooLarge();
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = request.body ? await readLimited(request.body, maxBytes, tooLarge) : '';
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

async function readLimited(stream: ReadableStream<Uint8Array>, maxBytes: number, tooLarge: () => HttpError): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}
