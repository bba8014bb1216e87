import { readFileSync } from 'node:fs';
import { contractPaths } from './paths.js';

/** Minimal structural type of the bundled OpenAPI document (enough for routing and validation). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

let openapi: OpenApiDocument | undefined;
let asyncapi: Record<string, unknown> | undefined;

/** The bundled OpenAPI document (generated/openapi.json), parsed once. */
export function loadOpenApi(): OpenApiDocument {
  openapi ??= JSON.parse(readFileSync(contractPaths.openapi, 'utf8')) as OpenApiDocument;
  return structuredClone(openapi);
}

/** The bundled AsyncAPI document (generated/asyncapi.json), parsed once. */
export function loadAsyncApi(): Record<string, unknown> {
  asyncapi ??= JSON.parse(readFileSync(contractPaths.asyncapi, 'utf8')) as Record<string, unknown>;
  return structuredClone(asyncapi);
}
