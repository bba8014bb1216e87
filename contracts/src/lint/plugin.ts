import { basename } from 'node:path';
import { isRef, type Async3Rule, type Oas3Rule, type Plugin, type UserContext } from '@redocly/openapi-core';
import { LATENCY_EXTENSION, latencyShapeProblems, ROOT_LATENCY_BUDGETS } from '../latency.js';
import { checkExample, type Dialect } from './schema-examples.js';

/**
 * The platform's own contract rules, as an inline Redocly plugin (rule ids `cleanapp/<name>`).
 * Redocly walks the split files, so `ctx.location` is already the file + pointer where a node lives.
 */

type Node = Record<string, unknown>;
type Ctx = UserContext;

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows a `$ref` (relative to the file it is written in); returns the node and where it lives. */
function follow(node: unknown, location: Ctx['location'], ctx: Ctx): { node: unknown; location: Ctx['location'] } | undefined {
  if (!isRef(node)) return { node, location };
  const r = ctx.resolve(node, location.source.absoluteRef);
  return r.location ? { node: r.node, location: r.location } : undefined; // dangling: no-unresolved-refs reports it
}

const ERROR_STATUS = /^([45](\d\d|XX)|default)$/i;

/**
 * (a) Every operation declares a 4xx response, and every 4xx/5xx/default response answers
 * `application/json` with (a `$ref` to) the envelope schema — the API has exactly one error shape.
 * The envelope is `#/components/schemas/<name>` in any file, or a split file named `<name>.yaml|json`.
 */
const errorResponses: Oas3Rule = ({ schema = 'ErrorEnvelope' }: { schema?: string }) => {
  const isEnvelope = (loc: Ctx['location']) =>
    loc.pointer === `#/components/schemas/${schema}` || (['#/', '#', ''].includes(loc.pointer) && basename(loc.source.absoluteRef).replace(/\.(ya?ml|json)$/i, '') === schema);

  /** 'yes' / 'no', or 'unknown' when a ref in the chain dangles (already an error of its own). */
  function refersToEnvelope(node: unknown, location: Ctx['location'], ctx: Ctx): 'yes' | 'no' | 'unknown' {
    const seen = new Set<string>();
    while (isRef(node)) {
      const r = ctx.resolve(node, location.source.absoluteRef);
      if (!r.location) return 'unknown';
      if (isEnvelope(r.location)) return 'yes';
      if (seen.has(r.location.absolutePointer)) return 'no';
      seen.add(r.location.absolutePointer);
      node = r.node;
      location = r.location;
    }
    return 'no';
  }

  return {
    Operation(raw: object, ctx: Ctx) {
      const operation = raw as Node;
      const responses = isObject(operation.responses) ? operation.responses : {};
      const codes = Object.keys(responses);
      if (!codes.some((c) => /^4(\d\d|XX)$/i.test(c))) {
        ctx.report({
          message: 'Operation must declare at least one 4xx response (using the error envelope).',
          location: ctx.location.child('responses').key(),
        });
      }
      // HEAD responses have no body by definition.
      if (ctx.key === 'head') return;
      for (const code of codes.filter((c) => ERROR_STATUS.test(c))) {
        const response = follow(responses[code], ctx.location.child(['responses', code]), ctx);
        if (!response || !isObject(response.node)) continue;
        const content = isObject(response.node.content) ? response.node.content : {};
        const json = content['application/json'];
        if (!isObject(json)) {
          ctx.report({
            message: `Error response ${code} must have \`application/json\` content whose schema is the ${schema} schema.`,
            location: (isObject(response.node.content) ? response.location.child('content') : response.location).key(),
          });
          continue;
        }
        const schemaLocation = response.location.child(['content', 'application/json', 'schema']);
        const verdict = 'schema' in json ? refersToEnvelope(json.schema, schemaLocation, ctx) : 'no';
        if (verdict === 'no') {
          ctx.report({
            message: `Error response ${code} must use the ${schema} schema (a \`$ref\` to it), not another or an inline schema.`,
            location: 'schema' in json ? schemaLocation : schemaLocation.key(),
          });
        }
      }
    },
  };
};

/**
 * (b) Every response declares a header every response carries (names are case-insensitive): the
 * correlation id `X-Request-ID`, the server time `X-Process-Time`.
 */
const responseHeader = (defaultHeader: string): Oas3Rule => ({ header = defaultHeader }: { header?: string }) => ({
  Response(raw: object, ctx: Ctx) {
    const response = raw as Node;
    const headers = isObject(response.headers) ? Object.keys(response.headers) : [];
    if (!headers.some((h) => h.toLowerCase() === header.toLowerCase())) {
      ctx.report({
        message: `Response must declare the \`${header}\` header.`,
        location: isObject(response.headers) ? ctx.location.child('headers').key() : ctx.location,
      });
    }
  },
});

/**
 * (c) Every operation states its `security` itself (`[]` for public ones, so "public" is a decision,
 * not an omission), naming defined schemes and, for OAuth2, only scopes that one of its flows grants.
 */
const operationSecurity: Oas3Rule = () => {
  // name -> scopes (undefined when the scheme type has no scope list to check against)
  const schemes = new Map<string, Set<string> | undefined>();
  return {
    Root: {
      enter(raw: object, ctx: Ctx) {
        const root = raw as Node;
        schemes.clear(); // one document per walk; never carry schemes over
        const components = follow(root.components, ctx.location.child('components'), ctx);
        const declared = isObject(components?.node) ? follow(components.node.securitySchemes, components.location.child('securitySchemes'), ctx) : undefined;
        if (!declared || !isObject(declared.node)) return;
        for (const [name, entry] of Object.entries(declared.node)) {
          const scheme = follow(entry, declared.location.child(name), ctx)?.node;
          if (!isObject(scheme)) continue;
          if (scheme.type !== 'oauth2') {
            schemes.set(name, undefined);
            continue;
          }
          const scopes = new Set<string>();
          for (const flow of Object.values(isObject(scheme.flows) ? scheme.flows : {})) {
            if (isObject(flow) && isObject(flow.scopes)) for (const s of Object.keys(flow.scopes)) scopes.add(s);
          }
          schemes.set(name, scopes);
        }
      },
    },
    Operation(raw: object, ctx: Ctx) {
      const operation = raw as Node;
      if (!('security' in operation)) {
        ctx.report({ message: 'Operation must declare `security` explicitly (`security: []` for a public operation).', location: ctx.location.key() });
        return;
      }
      if (!Array.isArray(operation.security)) return; // struct reports the type
      operation.security.forEach((requirement: unknown, i: number) => {
        if (!isObject(requirement)) return;
        for (const [name, scopes] of Object.entries(requirement)) {
          const at = ctx.location.child(['security', i, name]);
          if (!schemes.has(name)) {
            ctx.report({ message: `Security scheme \`${name}\` is not defined in components.securitySchemes.`, location: at.key() });
            continue;
          }
          const granted = schemes.get(name);
          if (!granted || !Array.isArray(scopes)) continue;
          scopes.forEach((scope: unknown, j: number) => {
            if (!granted.has(String(scope))) {
              ctx.report({
                message: `Scope \`${String(scope)}\` is not defined by the OAuth2 scheme \`${name}\` (defined: ${[...granted].join(', ') || 'none'}).`,
                location: at.child(j),
              });
            }
          });
        }
      });
    },
  };
};

const OAUTH_URLS = { tokenUrl: 'post', refreshUrl: 'post', authorizationUrl: 'get' } as const;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * (d) An OAuth2 flow URL that is a relative reference must resolve to a route the contract documents:
 * OAS 3.1 resolves it against the Server Object URL (the API, not the token service), so `/oauth/token`
 * next to `servers: [{url: https://api…}]` sends every generic client to a route that does not exist.
 * Checked against every server (its variables at their defaults; no `servers` means `/`).
 */
const oauthFlowUrls: Oas3Rule = () => {
  const servers: string[] = [];
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  // Relative server URLs are relative to where the document is served: any origin will do for path checks.
  const BASE = 'https://served.invalid/';
  return {
    Root: {
      enter(raw: object, ctx: Ctx) {
        const root = raw as Node;
        servers.length = 0;
        routes.length = 0;
        for (const s of Array.isArray(root.servers) ? root.servers : []) {
          if (!isObject(s) || typeof s.url !== 'string') continue;
          const vars = isObject(s.variables) ? s.variables : {};
          servers.push(s.url.replace(/\{([^}]+)\}/g, (m, name: string) => (isObject(vars[name]) ? String(vars[name].default) : m)));
        }
        if (servers.length === 0) servers.push('/');
        const paths = follow(root.paths, ctx.location.child('paths'), ctx);
        if (!paths || !isObject(paths.node)) return;
        for (const [path, entry] of Object.entries(paths.node)) {
          const item = follow(entry, paths.location.child(path), ctx)?.node;
          const source = path.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
          routes.push({ pattern: new RegExp(`^${source}$`), methods: new Set(isObject(item) ? Object.keys(item).filter((k) => HTTP_METHODS.includes(k)) : []) });
        }
      },
    },
    SecurityScheme(raw: object, ctx: Ctx) {
      const scheme = raw as Node;
      if (scheme.type !== 'oauth2' || !isObject(scheme.flows)) return;
      for (const [flowName, flow] of Object.entries(scheme.flows)) {
        if (!isObject(flow)) continue;
        for (const [field, method] of Object.entries(OAUTH_URLS)) {
          const ref = flow[field];
          // Absolute (`scheme:`) and network-path (`//host`) references do not depend on the servers.
          if (typeof ref !== 'string' || /^([a-z][a-z\d+.-]*:|\/\/)/i.test(ref)) continue;
          for (const server of servers) {
            const base = new URL(server, BASE);
            const resolved = new URL(ref, base);
            const prefix = base.pathname.replace(/\/$/, '');
            const path = resolved.pathname.startsWith(`${prefix}/`) ? resolved.pathname.slice(prefix.length) : undefined;
            if (path !== undefined && routes.some((r) => r.pattern.test(path) && r.methods.has(method))) continue;
            const where = resolved.origin === new URL(BASE).origin ? resolved.pathname : resolved.href;
            ctx.report({
              message: `Relative OAuth2 \`${field}\` \`${ref}\` resolves against server \`${server}\` to \`${where}\`, which is no documented \`${method.toUpperCase()}\` operation; use the absolute URL of the authorization server's endpoint.`,
              location: ctx.location.child(['flows', flowName, field]),
            });
            break; // one report per URL
          }
        }
      }
    },
  };
};

/**
 * (e) Latency budgets (`x-cleanapp-latency`, see src/latency.ts) have the shape the perf suite reads:
 * known keys, finite limits, at least one latency limit; only on GET operations (the suite repeats
 * them under load); an `overheadMs` budget names a `baseline` that is another, public operation. At the
 * root, a map of the known root budget ids.
 */
const latencyBudget: Oas3Rule = () => {
  // operationId -> public (security: [] or an empty alternative)
  const operations = new Map<string, boolean>();
  const report = (ctx: Ctx, at: Ctx['location'], problems: { key: string; message: string }[]) => {
    for (const p of problems) ctx.report({ message: p.message, location: p.key ? at.child(p.key) : at });
  };
  return {
    Root: {
      enter(raw: object, ctx: Ctx) {
        const root = raw as Node;
        operations.clear();
        const paths = follow(root.paths, ctx.location.child('paths'), ctx);
        for (const [path, entry] of Object.entries(isObject(paths?.node) ? paths.node : {})) {
          const item = follow(entry, paths!.location.child(path), ctx)?.node;
          for (const method of HTTP_METHODS) {
            const op = isObject(item) ? item[method] : undefined;
            if (!isObject(op) || typeof op.operationId !== 'string') continue;
            const security = Array.isArray(op.security) ? op.security : [];
            operations.set(op.operationId, security.length === 0 || security.some((alt) => isObject(alt) && Object.keys(alt).length === 0));
          }
        }
        if (!(LATENCY_EXTENSION in root)) return;
        const at = ctx.location.child(LATENCY_EXTENSION);
        const budgets = root[LATENCY_EXTENSION];
        if (!isObject(budgets)) {
          ctx.report({ message: `Root \`${LATENCY_EXTENSION}\` must map budget ids (${ROOT_LATENCY_BUDGETS.join(', ')}) to limits.`, location: at });
          return;
        }
        for (const [id, value] of Object.entries(budgets)) {
          if (!(ROOT_LATENCY_BUDGETS as readonly string[]).includes(id)) {
            ctx.report({ message: `Unknown root latency budget \`${id}\`; known: ${ROOT_LATENCY_BUDGETS.join(', ')} (an operation's budget goes on the operation).`, location: at.child(id).key() });
            continue;
          }
          report(ctx, at.child(id), latencyShapeProblems(value, 'root'));
        }
      },
    },
    Operation(raw: object, ctx: Ctx) {
      const operation = raw as Node;
      if (!(LATENCY_EXTENSION in operation)) return;
      const at = ctx.location.child(LATENCY_EXTENSION);
      const value = operation[LATENCY_EXTENSION];
      const problems = latencyShapeProblems(value, 'operation');
      if (ctx.key !== 'get') problems.push({ key: '', message: `Only GET operations may carry a latency budget (the perf suite repeats them under load); this is ${String(ctx.key).toUpperCase()}.` });
      const baseline = isObject(value) ? value.baseline : undefined;
      if (typeof baseline === 'string' && baseline !== '') {
        if (baseline === operation.operationId) problems.push({ key: 'baseline', message: 'An operation cannot be its own `baseline`.' });
        else if (!operations.has(baseline)) problems.push({ key: 'baseline', message: `\`baseline\` \`${baseline}\` is no operationId of this contract.` });
        else if (!operations.get(baseline)) problems.push({ key: 'baseline', message: `\`baseline\` \`${baseline}\` is not public (\`security: []\`): a baseline measures the service without authentication.` });
      }
      report(ctx, at, problems);
    },
  };
};

/** Header `example`/`examples` must match the header schema (Redocly checks parameters, not headers). */
const noInvalidHeaderExamples: Oas3Rule = () => ({
  Header: {
    leave(raw: object, ctx: Ctx) {
      const header = raw as Node;
      // OAS 3.0 schemas are not JSON Schema (nullable, exclusiveMinimum as boolean): only check 3.1+.
      if (ctx.specVersion === 'oas3_0' || !('schema' in header)) return;
      const base = { schema: header.schema, schemaLocation: ctx.location.child('schema'), dialect: '2020-12' as Dialect };
      if ('example' in header) checkExample({ ...base, example: header.example, exampleLocation: ctx.location.child('example') }, ctx);
      if (isObject(header.examples)) {
        for (const [name, entry] of Object.entries(header.examples)) {
          const ex = follow(entry, ctx.location.child(['examples', name]), ctx);
          if (ex && isObject(ex.node) && 'value' in ex.node) checkExample({ ...base, example: ex.node.value, exampleLocation: ex.location.child('value') }, ctx);
        }
      }
    },
  },
});

/**
 * AsyncAPI 3: each message's payload (and headers) schema `examples`, and the message's own
 * `examples[].payload/headers`, must validate against the schema. JSON Schema formats only
 * (draft-07, which AsyncAPI schemas extend); Avro/RAML payloads are skipped.
 */
const noInvalidPayloadExamples: Async3Rule = () => ({
  Message: {
    leave(raw: object, ctx: Ctx) {
      const message = raw as Node;
      for (const part of ['payload', 'headers'] as const) {
        let target = follow(message[part], ctx.location.child(part), ctx);
        if (!target || !isObject(target.node)) continue;
        // A Multi Format Schema Object (Redocly tells it apart the same way: it has `schema`).
        if ('schema' in target.node) {
          const format = String(target.node.schemaFormat ?? 'application/vnd.aai.asyncapi+json');
          if (!/^application\/(schema\+json|schema\+yaml|vnd\.aai\.asyncapi(\+json|\+yaml)?)(;|$)/.test(format)) continue;
          target = { node: target.node.schema, location: target.location.child('schema') };
        }
        const written = target;
        const schema = follow(written.node, written.location, ctx);
        if (!schema || !isObject(schema.node)) continue;
        const base = { schema: written.node, schemaLocation: written.location, dialect: 'draft-07' as Dialect };
        if (Array.isArray(schema.node.examples)) {
          schema.node.examples.forEach((example: unknown, i: number) =>
            checkExample({ ...base, example, exampleLocation: schema.location.child(['examples', i]) }, ctx),
          );
        }
        if (Array.isArray(message.examples)) {
          message.examples.forEach((ex: unknown, i: number) => {
            if (isObject(ex) && part in ex) checkExample({ ...base, example: ex[part], exampleLocation: ctx.location.child(['examples', i, part]) }, ctx);
          });
        }
      }
    },
  },
});

export const cleanappPlugin: Plugin = {
  id: 'cleanapp',
  rules: {
    oas3: {
      'error-responses': errorResponses,
      'response-request-id': responseHeader('X-Request-ID'),
      'response-process-time': responseHeader('X-Process-Time'),
      'operation-security': operationSecurity,
      'no-invalid-header-examples': noInvalidHeaderExamples,
      'oauth-flow-urls': oauthFlowUrls,
      'latency-budget': latencyBudget,
    },
    async3: {
      'no-invalid-payload-examples': noInvalidPayloadExamples,
    },
  },
};
