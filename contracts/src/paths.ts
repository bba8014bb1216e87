import { fileURLToPath } from 'node:url';

const at = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** Absolute paths of the contract sources and of the bundled artefacts (Node only). */
export const contractPaths = {
  root: at('../'),
  openapiSource: at('../openapi/openapi.yaml'),
  asyncapiSource: at('../events/asyncapi.yaml'),
  eventSchemas: at('../events/schemas/'),
  subgraphs: at('../graphql/'),
  targetSchema: at('../target.schema.json'),
  openapi: at('../generated/openapi.json'),
  asyncapi: at('../generated/asyncapi.json'),
  supergraph: at('../generated/supergraph.graphql'),
  openapiDereferenced: at('../generated/openapi.dereferenced.json'),
  asyncapiDereferenced: at('../generated/asyncapi.dereferenced.json'),
} as const;
