// How openapi-fetch must read a success body of a given media type, and the per-operation table the client
// uses to pick `parseAs` (JSON is openapi-fetch's default, so only other operations are listed).

import ts from 'typescript';

export type BodyKind = 'json' | 'text' | 'blob';

/** `json` for JSON and `+json`; `text` for text/*, XML and `+xml` (SVG), form data; `blob` for everything else (binary). */
export function bodyKind(mediaType: string): BodyKind {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type.startsWith('text/') || type === 'application/xml' || type.endsWith('+xml') || type === 'application/x-www-form-urlencoded') return 'text';
  return 'blob';
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { responses?: Record<string, unknown> };
}
type ResponseObject = { $ref?: string; content?: Record<string, unknown> };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolve(doc: OpenApiDocument, response: ResponseObject): ResponseObject {
  if (!response.$ref) return response;
  const name = /^#\/components\/responses\/([^/]+)$/.exec(response.$ref)?.[1];
  const target = name === undefined ? undefined : doc.components?.responses?.[name];
  if (!target) throw new Error(`api-client generate: cannot resolve response ${response.$ref}`);
  return resolve(doc, target as ResponseObject);
}

/**
 * `"METHOD /path"` → body kind, for every operation whose 2xx bodies are not JSON. An operation whose success
 * responses mix kinds (say JSON and an image) cannot get one static `parseAs`, so it is rejected.
 */
export function nonJsonOperations(doc: OpenApiDocument): Record<string, Exclude<BodyKind, 'json'>> {
  const table: Record<string, Exclude<BodyKind, 'json'>> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as { responses?: Record<string, ResponseObject> } | undefined;
      if (!operation) continue;
      const kinds = new Map<BodyKind, string>();
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!/^2(\d\d|XX)$/i.test(status)) continue;
        for (const mediaType of Object.keys(resolve(doc, response).content ?? {})) kinds.set(bodyKind(mediaType), mediaType);
      }
      const key = `${method.toUpperCase()} ${path}`;
      if (kinds.size > 1) throw new Error(`api-client generate: ${key} answers ${[...kinds.values()].join(' and ')}; one operation needs one body kind`);
      const [kind] = kinds.keys();
      if (kind && kind !== 'json') table[key] = kind;
    }
  }
  return table;
}

const BLOB = ts.factory.createTypeReferenceNode('Blob');
const STRING = ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword);

/**
 * openapi-typescript `transform`: a response body's type is what the client reads it as — text → string, binary →
 * Blob (an image's schema is `type: string` at best, which would claim a string where a Blob arrives); JSON as is.
 */
export function responseBodyType(path: string | undefined): ts.TypeNode | undefined {
  const mediaType = path && /\/responses\/[^/]+\/content\/([^/]+)$/.exec(path)?.[1];
  if (!mediaType) return undefined;
  const kind = bodyKind(mediaType.replaceAll('~1', '/').replaceAll('~0', '~'));
  return kind === 'blob' ? BLOB : kind === 'text' ? STRING : undefined;
}
