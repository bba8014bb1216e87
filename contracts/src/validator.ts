import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { finiteKeyword, requireFiniteNumbers } from './finite.js';
import { loadOpenApi, type OpenApiDocument } from './load.js';

// ajv-formats is CJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

export interface Problem {
  /** `body/<json pointer>`, `path/<name>`, `query/<name>`, `header/<name>` or `response/...`. */
  location: string;
  message: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema?: unknown;
  /** JSON pointer of the parameter object in the bundled document. */
  pointer: string;
}

export interface Operation {
  operationId: string;
  method: string;
  /** Path template as written in the contract, e.g. `/api/v4/reports/{public_id}`. */
  path: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; mediaTypes: string[]; pointer: string };
  /** Alternatives (OR) of scheme → scopes maps (AND); empty array = public. */
  security: Record<string, string[]>[];
  responses: Record<string, { mediaTypes: string[]; headers: string[]; pointer: string }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const DOC_ID = 'cleanapp-openapi';

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows local `$ref`s; returns the target and its JSON pointer (or `pointer` when `node` is no ref). */
function resolveRef<T>(doc: OpenApiDocument, node: T, pointer = ''): T {
  return resolveRefAt(doc, node, pointer).node;
}

function resolveRefAt<T>(doc: OpenApiDocument, node: T, pointer: string): { node: T; pointer: string } {
  let current: unknown = node;
  let at = pointer;
  const seen = new Set<string>();
  while (current && typeof current === 'object' && '$ref' in current && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`Unresolvable $ref ${ref} in the bundled contract`);
    seen.add(ref);
    at = ref.slice(1);
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((acc, key) => (acc as Record<string, unknown> | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`Dangling $ref ${ref} in the bundled contract`);
  }
  return { node: current as T, pointer: at };
}

function formatErrors(prefix: string, errors: ErrorObject[] | null | undefined): Problem[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
        : e.keyword === 'required'
          ? `/${(e.params as { missingProperty: string }).missingProperty}`
          : '';
    const location = `${prefix}${e.instancePath}${extra}`;
    const message =
      e.keyword === 'additionalProperties' ? 'is not allowed' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    return { location, message };
  });
}

/** Malformed percent-encoding (`%zz`) stays as sent, so validation rejects it instead of throwing. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface RequestParts {
  pathParams?: Record<string, string>;
  query?: URLSearchParams;
  headers?: Headers;
  /** Parsed JSON body; `undefined` when there was none. */
  body?: unknown;
}

/**
 * Validates requests and responses against the bundled OpenAPI contract with ajv (JSON Schema 2020-12,
 * as OpenAPI 3.1 uses). Shared by the reference stack (requests) and the suites (responses).
 */
export class OpenApiValidator {
  readonly operations: Operation[];
  private readonly ajv: Ajv2020;
  /** Parameters arrive as strings; this instance coerces them to the declared type before validating. */
  private readonly coercingAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly matchers: { op: Operation; regex: RegExp; names: string[] }[];

  constructor(readonly document: OpenApiDocument = loadOpenApi()) {
    this.ajv = this.makeAjv(false);
    this.coercingAjv = this.makeAjv(true);
    this.operations = [];
    for (const [path, item] of Object.entries(document.paths)) {
      const { node: pathItem, pointer: itemPointer } = resolveRefAt(document, item as Record<string, unknown>, `/paths/${escapePointer(path)}`);
      const shared = ((pathItem.parameters as unknown[] | undefined) ?? []).map((p, i) => [p, `${itemPointer}/parameters/${i}`] as const);
      for (const method of METHODS) {
        const raw = pathItem[method] as Record<string, unknown> | undefined;
        if (!raw) continue;
        const opPointer = `${itemPointer}/${method}`;
        const own = ((raw.parameters as unknown[] | undefined) ?? []).map((p, i) => [p, `${opPointer}/parameters/${i}`] as const);
        const params = new Map<string, Parameter>();
        for (const [p, at] of [...shared, ...own]) {
          const { node: param, pointer } = resolveRefAt(document, p as Parameter, at);
          params.set(`${param.in}:${param.name.toLowerCase()}`, { ...param, required: param.required === true, pointer });
        }
        const body = raw.requestBody
          ? resolveRefAt(document, raw.requestBody as { required?: boolean; content?: Record<string, unknown> }, `${opPointer}/requestBody`)
          : undefined;
        const responses: Operation['responses'] = {};
        for (const [status, r] of Object.entries((raw.responses as Record<string, unknown>) ?? {})) {
          const { node: resp, pointer } = resolveRefAt(document, r as { content?: Record<string, unknown>; headers?: Record<string, unknown> }, `${opPointer}/responses/${status}`);
          responses[status] = { mediaTypes: Object.keys(resp.content ?? {}), headers: Object.keys(resp.headers ?? {}), pointer };
        }
        this.operations.push({
          operationId: String(raw.operationId),
          method: method.toUpperCase(),
          path,
          parameters: [...params.values()],
          ...(body ? { requestBody: { required: body.node.required === true, mediaTypes: Object.keys(body.node.content ?? {}), pointer: body.pointer } } : {}),
          security: (raw.security ?? document.security ?? []) as Record<string, string[]>[],
          responses,
        });
      }
    }
    // Literal paths win over templates (`/reports/near` before `/reports/{public_id}`): fewest variables first.
    this.matchers = this.operations.map((op) => {
      const names: string[] = [];
      const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { op, regex: new RegExp(`^${pattern}$`), names };
    });
    this.matchers.sort((a, b) => a.names.length - b.names.length);
  }

  private makeAjv(coerce: boolean): Ajv2020 {
    const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: coerce, discriminator: true });
    addFormats(ajv);
    ajv.addKeyword(finiteKeyword);
    ajv.addSchema(requireFiniteNumbers(this.document) as object, DOC_ID);
    return ajv;
  }

  private compile(pointer: string, coerce = false): ValidateFunction {
    const key = `${coerce}:${pointer}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = (coerce ? this.coercingAjv : this.ajv).compile({ $ref: `${DOC_ID}#${pointer}` });
      this.cache.set(key, fn);
    }
    return fn;
  }

  operation(operationId: string): Operation {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`Unknown operationId ${operationId}`);
    return op;
  }

  /** The operation a method + pathname addresses, with decoded path parameters; `undefined` if none. */
  match(
    method: string,
    pathname: string,
  ): { operation: Operation; pathParams: Record<string, string> } | { pathExists: true; allow: string[] } | undefined {
    const allow: string[] = [];
    for (const { op, regex, names } of this.matchers) {
      const m = regex.exec(pathname);
      if (!m) continue;
      if (op.method !== method.toUpperCase()) {
        allow.push(op.method);
        continue;
      }
      const pathParams: Record<string, string> = {};
      names.forEach((n, i) => {
        pathParams[n] = safeDecode(m[i + 1] ?? '');
      });
      return { operation: op, pathParams };
    }
    return allow.length > 0 ? { pathExists: true, allow } : undefined;
  }

  /** Checks parameters and the JSON body of a request against its operation. */
  validateRequest(op: Operation, parts: RequestParts): Problem[] {
    const problems: Problem[] = [];
    for (const p of op.parameters) {
      const raw =
        p.in === 'path'
          ? parts.pathParams?.[p.name]
          : p.in === 'query'
            ? (parts.query?.get(p.name) ?? undefined)
            : p.in === 'header'
              ? (parts.headers?.get(p.name) ?? undefined)
              : undefined;
      if (raw === undefined) {
        if (p.required) problems.push({ location: `${p.in}/${p.name}`, message: 'is required' });
        continue;
      }
      if (!p.schema) continue;
      // Coercion rewrites values in place, so validate inside a holder object.
      const holder = { value: raw as unknown };
      const fn = this.compile(`${p.pointer}/schema`, true);
      if (!fn(holder.value)) problems.push(...formatErrors(`${p.in}/${p.name}`, fn.errors));
    }
    if (op.requestBody) {
      if (parts.body === undefined) {
        if (op.requestBody.required) problems.push({ location: 'body', message: 'a JSON request body is required' });
      } else {
        const fn = this.compile(`${op.requestBody.pointer}/content/application~1json/schema`);
        if (!fn(parts.body)) problems.push(...formatErrors('body', fn.errors));
      }
    }
    return problems;
  }

  /**
   * Checks a response: the status is declared (or `default` exists), and a JSON body matches the
   * declared schema for that status. Returns problems located under `response/`.
   */
  validateResponse(operationId: string, status: number, body: unknown, contentType = 'application/json'): Problem[] {
    const op = this.operation(operationId);
    const key = op.responses[String(status)] ? String(status) : op.responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : op.responses.default ? 'default' : undefined;
    if (!key) return [{ location: 'response/status', message: `status ${status} is not declared for ${operationId} (declared: ${Object.keys(op.responses).join(', ')})` }];
    const mediaType = contentType.split(';')[0]!.trim();
    const declared = op.responses[key]!;
    if (declared.mediaTypes.length === 0) return [];
    if (!declared.mediaTypes.includes(mediaType)) {
      return [{ location: 'response/content-type', message: `${mediaType} is not declared for ${operationId} ${key} (declared: ${declared.mediaTypes.join(', ')})` }];
    }
    if (!mediaType.endsWith('json')) return [];
    const fn = this.compile(`${declared.pointer}/content/${escapePointer(mediaType)}/schema`);
    return fn(body) ? [] : formatErrors('response/body', fn.errors);
  }

  /** Validates any value against a named component schema (e.g. `ErrorEnvelope`). */
  validateSchema(name: string, value: unknown): Problem[] {
    const fn = this.compile(`/components/schemas/${escapePointer(name)}`);
    return fn(value) ? [] : formatErrors('', fn.errors);
  }
}
