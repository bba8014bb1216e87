// Generates src/generated/fixtures.ts from the bundled contracts in @cleanapp/contracts:
//   - every REST operation: method, path template (and MSW path), declared statuses, required scopes;
//   - every response example, keyed by operationId and status, typed with `satisfies` against
//     @cleanapp/api-client's generated types (so a contract example that drifts from its schema fails tsc);
//   - every request example (path/query parameter examples, named request-body examples);
//   - the OAuth2 flows of the contract's security scheme (token/authorization paths, scopes);
//   - the AsyncAPI WebSocket message examples (welcome, ping, pong, report.rendered public/privileged);
//   - the client-facing GraphQL schema (@cleanapp/graphql-client's schema.graphql), which the GraphQL handlers execute against.
// `--check` compares in memory with the committed file instead of writing it; exit 1 names the stale file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contractPaths, loadAsyncApi, loadOpenApi, OpenApiValidator } from '@cleanapp/contracts';

// MOCKS_FIXTURES_FILE redirects the output (the freshness test checks a deliberately stale copy with it).
const target = process.env.MOCKS_FIXTURES_FILE ? pathToFileURL(process.env.MOCKS_FIXTURES_FILE) : new URL('../src/generated/fixtures.ts', import.meta.url);
const check = process.argv.includes('--check');

/**
 * Examples the contract declares that are wider than openapi-typescript's type for them. They are still
 * emitted (and validated against the contract by the tests), but cast instead of checked with `satisfies`.
 * Keep this list empty when the contract allows it; each entry names why.
 */
const wideExamples: Record<string, string> = {
  'getOpenApiDocument 200':
    '`info`/`paths` are `type: object` without properties, which openapi-typescript types as Record<string, never>',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = Record<string, unknown>;

const doc = loadOpenApi();
const validator = new OpenApiValidator(doc);

function resolve<T>(node: T): T {
  let current: unknown = node;
  const seen = new Set<string>();
  while (current && typeof current === 'object' && typeof (current as Node).$ref === 'string') {
    const ref = (current as { $ref: string }).$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`Unresolvable $ref ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((acc, key) => (acc as Node | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`Dangling $ref ${ref}`);
  }
  return current as T;
}

/** Pretty-prints JSON as a TypeScript literal indented by `indent` spaces (keys quoted only when needed). */
function literal(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object') && JSON.stringify(value).length <= 80) return `[${value.map((v) => literal(v, 0)).join(', ')}]`;
    return `[\n${value.map((v) => `${pad}  ${literal(v, indent + 2)}`).join(',\n')},\n${pad}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
    return `{\n${entries.map(([k, v]) => `${pad}  ${key(k)}: ${literal(v, indent + 2)}`).join(',\n')},\n${pad}}`;
  }
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

const q = (s: string) => `'${s}'`;
const operationsOut: string[] = [];
const examplesOut: string[] = [];
const requestsOut: string[] = [];
const missing: string[] = [];

// Literal paths before templates, as the contract's router does (`/reports/near` before `/reports/{public_id}`).
const ops = [...validator.operations].sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));

for (const op of ops) {
  const id = op.operationId;
  const raw = resolve((doc.paths[op.path] as Node)[op.method.toLowerCase()] as Node);
  const statuses = Object.keys(op.responses)
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
  const success = statuses.find((s) => s >= 200 && s < 300);
  if (success === undefined) throw new Error(`${id} declares no 2xx response`);
  const scopes = op.security.length === 0 ? null : [...new Set(op.security.flatMap((alt) => Object.values(alt).flat()))];
  operationsOut.push(
    `  ${id}: {\n    method: ${q(op.method)},\n    path: ${q(op.path)},\n    mswPath: ${q(op.path.replace(/\{([^}]+)\}/g, ':$1'))},\n` +
      `    successStatus: ${success},\n    statuses: [${statuses.join(', ')}],\n    scopes: ${scopes ? `[${scopes.map(q).join(', ')}]` : 'null'},\n  },`,
  );

  // Response examples.
  const responses = raw.responses as Record<string, unknown>;
  const entries: string[] = [];
  for (const status of statuses) {
    const response = resolve(responses[String(status)] as { content?: Record<string, { example?: Json; examples?: Record<string, { value?: Json }> }> });
    const content = Object.entries(response.content ?? {});
    const withExample = content.find(([, media]) => media.example !== undefined || Object.values(media.examples ?? {}).some((e) => resolve(e).value !== undefined));
    if (!withExample) {
      if (content.length > 0) missing.push(`${id} ${status}`);
      continue;
    }
    const [mediaType, media] = withExample;
    const example = media.example !== undefined ? media.example : Object.values(media.examples!).map((e) => resolve(e).value).find((v) => v !== undefined)!;
    const type = `ResponseBody<${q(id)}, ${status}, ${q(mediaType)}>`;
    const wide = wideExamples[`${id} ${status}`];
    const body = wide ? `(${literal(example, 6)} as unknown as ${type}) /* ${wide} */` : `${literal(example, 6)} satisfies ${type}`;
    entries.push(`    ${status}: {\n      contentType: ${q(mediaType)} as const,\n      body: ${body},\n    },`);
  }
  examplesOut.push(`  ${id}: {\n${entries.join('\n')}\n  },`);

  // Request examples: parameter examples and named body examples.
  const pathParams: Record<string, Json> = {};
  const query: Record<string, Json> = {};
  for (const p of op.parameters) {
    const param = resolve(p as unknown as { example?: Json; schema?: { example?: Json }; required?: boolean });
    const value = param.example ?? resolve(param.schema ?? {}).example;
    if (value === undefined) continue;
    if (p.in === 'path') pathParams[p.name] = value;
    if (p.in === 'query' && p.required) query[p.name] = value;
  }
  const requestBody = raw.requestBody ? resolve(raw.requestBody as { content?: Record<string, { example?: Json; examples?: Record<string, { value?: Json }> }> }) : undefined;
  const jsonBody = requestBody?.content?.['application/json'];
  const bodies: Record<string, Json> = {};
  if (jsonBody?.example !== undefined) bodies.default = jsonBody.example;
  for (const [name, e] of Object.entries(jsonBody?.examples ?? {})) {
    const value = resolve(e).value;
    if (value !== undefined) bodies[name] = value;
  }
  const bodyLines = Object.entries(bodies).map(([name, value]) => `      ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}: ${literal(value, 6)} satisfies RequestBody<${q(id)}>,`);
  requestsOut.push(
    `  ${id}: {\n    path: ${literal(pathParams, 4)},\n    query: ${literal(query, 4)},\n    bodies: ${bodyLines.length ? `{\n${bodyLines.join('\n')}\n    }` : '{}'},\n  },`,
  );
}

// WebSocket message examples (AsyncAPI).
const asyncapi = loadAsyncApi() as { components: { messages: Record<string, { examples?: { payload?: Json }[] }> } };
const wsTypes: Record<string, [string, string]> = {
  welcome: ['wsWelcome', 'WsWelcome'],
  ping: ['wsPing', 'WsPing'],
  pong: ['wsPong', 'WsPong'],
  renderedPublic: ['wsReportRenderedPublic', 'WsRenderedPublic'],
  renderedPrivileged: ['wsReportRenderedPrivileged', 'WsRenderedPrivileged'],
};
const wsOut = Object.entries(wsTypes).map(([key, [message, type]]) => {
  const payload = asyncapi.components.messages[message]?.examples?.[0]?.payload;
  if (payload === undefined) throw new Error(`asyncapi: components.messages.${message} has no example`);
  return `  ${key}: ${literal(payload, 2)} satisfies ${type},`;
});

// The client-facing GraphQL schema, as @cleanapp/graphql-client generated it from the supergraph.
const sdl = readFileSync(createRequire(import.meta.url).resolve('@cleanapp/graphql-client/schema.graphql'), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('#'))
  .join('\n')
  .trim();

// The OAuth2 flows of the contract's one oauth2 security scheme: where tokens come from, and their scopes.
type Flow = { tokenUrl?: string; authorizationUrl?: string; refreshUrl?: string; scopes?: Record<string, string> };
const oauthSchemes = Object.entries((doc.components?.securitySchemes ?? {}) as Record<string, Node>)
  .map(([name, scheme]) => [name, resolve(scheme)] as const)
  .filter(([, scheme]) => scheme.type === 'oauth2');
if (oauthSchemes.length !== 1) throw new Error(`mocks: expected one oauth2 security scheme in the contract, found ${oauthSchemes.length}`);
const [oauthScheme, oauthDef] = oauthSchemes[0]!;
// Paths only: the contract's hosts are the reference stack's, which a published package must not carry.
const flowsOut = Object.entries(oauthDef.flows as Record<string, Flow>).map(([flow, def]) => {
  const paths = { authorizationUrl: 'authorizationPath', tokenUrl: 'tokenPath', refreshUrl: 'refreshPath' } as const;
  const fields = (Object.keys(paths) as (keyof typeof paths)[]).filter((k) => def[k] !== undefined).map((k) => `${paths[k]}: ${q(new URL(def[k]!).pathname)}`);
  return `  ${flow}: { ${[...fields, `scopes: [${Object.keys(def.scopes ?? {}).map(q).join(', ')}]`].join(', ')} },`;
});

const info = doc.info;
const content = `// Generated by scripts/generate.ts from @cleanapp/contracts generated/openapi.json and generated/asyncapi.json.
// Do not edit; run \`pnpm generate\`.
import type { OAuthFlowInfo, OperationInfo, RequestBody, ResponseBody, WsPing, WsPong, WsRenderedPrivileged, WsRenderedPublic, WsWelcome } from '../types.js';

/** Title and version of the contract these fixtures come from. */
export const contractInfo = { title: ${q(info.title)}, version: ${q(info.version)} } as const;

/** Every REST operation: method, path template, MSW path, declared statuses and required scopes (null = public). */
export const operationInfo = {
${operationsOut.join('\n')}
} as const satisfies Record<string, OperationInfo>;

/** The contract's response examples by operationId and status (the media type they are declared under, and the body). */
export const responseExamples = {
${examplesOut.join('\n')}
};

/** The contract's request examples by operationId: path/required query parameter examples and named JSON bodies. */
export const requestExamples = {
${requestsOut.join('\n')}
};

/** The OAuth2 flows of the contract's security scheme \`${oauthScheme}\` (token/authorization paths, scopes); the auth handlers' defaults. */
export const oauthFlows = {
${flowsOut.join('\n')}
} as const satisfies Record<string, OAuthFlowInfo>;

/** The client-facing GraphQL schema (SDL) of @cleanapp/graphql-client; the GraphQL handlers execute operations against it. */
export const graphqlSchemaSdl = [
${sdl.split('\n').map((line) => `  ${JSON.stringify(line)},`).join('\n')}
].join('\\n');

/** The AsyncAPI examples of the WebSocket messages (channels wsPublic / wsPrivileged). */
export const wsExamples = {
${wsOut.join('\n')}
};
`;

const path = fileURLToPath(target);
const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
if (missing.length > 0) console.warn(`mocks: responses with content but no example (not mocked with a body): ${missing.join(', ')}`);
if (check) {
  if (current !== content) {
    console.error(`mocks: ${path} is stale; run \`pnpm generate\` (source: ${contractPaths.openapi})`);
    process.exit(1);
  }
  console.log('mocks: generated fixtures are up to date');
} else if (current !== content) {
  writeFileSync(target, content);
  console.log('mocks: wrote src/generated/fixtures.ts');
}
