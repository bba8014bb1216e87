import type { OpenApiDocument, OpenApiValidator, Operation } from '@cleanapp/contracts';

/**
 * Boundary-value requests derived from the bundled contract: for every operation, every parameter and
 * every request-body property is varied alone (the rest stays at the contract's examples) through the
 * edges its schema declares — bounds and the next double either side, lengths in code points and in
 * UTF-16 units, extreme RFC 3339 date-times, pattern-valid but meaningless ids and cursors, empty and
 * oversized arrays, control characters. Whether the contract accepts each request is decided by the
 * contract's own validator, so the sweep follows the contract as it changes.
 */

type Schema = Record<string, unknown> & {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  examples?: unknown[];
  example?: unknown;
};

export interface BoundaryCase {
  name: string;
  operation: Operation;
  method: string;
  /** Path with its parameters substituted and encoded, plus the query string. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Where an answer's 400 may point: the varied input, or what it makes required. */
  blame: string[];
  /** The contract's validator rejects the request (so the answer must be a 400). */
  invalid: boolean;
  /** An opaque value only the server can judge (a cursor it did not issue): a valid-looking one may be a 400. */
  opaque: boolean;
}

/** Follows local `$ref`s in the bundled document. */
function deref<T>(doc: OpenApiDocument, node: T): T {
  let current: unknown = node;
  while (current && typeof current === 'object' && typeof (current as { $ref?: unknown }).$ref === 'string') {
    const ref = (current as { $ref: string }).$ref;
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((acc, key) => (acc as Record<string, unknown>)[key], doc);
  }
  return current as T;
}

const at = (doc: OpenApiDocument, pointer: string): unknown =>
  pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((acc, key) => deref(doc, (acc as Record<string, unknown>)[key]), doc);

/** The adjacent doubles: the smallest step in or out of a bound. */
function nextDouble(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, bits + BigInt((x > 0 ? 1 : -1) * direction));
  return view.getFloat64(0);
}

function numbers(s: Schema): unknown[] {
  const integer = s.type === 'integer';
  const out: unknown[] = [0, -0, 1, -1, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63)];
  for (const bound of [s.minimum, s.maximum]) {
    if (bound === undefined) continue;
    out.push(bound, nextDouble(bound, 1), nextDouble(bound, -1), bound + 1e-9, bound - 1e-9);
    if (integer) out.push(bound + 1, bound - 1, bound + 0.5);
  }
  for (const bound of [s.exclusiveMinimum, s.exclusiveMaximum]) {
    if (bound !== undefined) out.push(bound, nextDouble(bound, 1), nextDouble(bound, -1), bound + 1e-9, bound - 1e-9);
  }
  if (integer) out.push(1.5, '1.0', '1e2', ' 7', '0x10');
  // Spellings a query string may carry that JSON cannot.
  out.push('1e999', '-1e999', 'NaN', 'Infinity', '', '١', '1_000');
  return out;
}

/** RFC 3339 edges: first and last representable years, extreme offsets, leap seconds, case, precision. */
export const DATE_TIMES = [
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '0001-01-01T00:00:00-12:00', '0001-01-01T00:00:00+00:00',
  '9999-12-31T23:59:59Z', '9999-12-31T23:59:59.999999999Z', '9999-12-31T23:59:59-12:00', '9999-12-31T23:59:59+14:00', '9999-12-31T23:59:60Z',
  '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '2016-12-31T23:59:60Z', '2016-12-31T23:59:60.5Z', '2017-01-01T08:59:60+09:00',
  '2026-06-30t12:00:00z', '2026-06-30 12:00:00Z', '2026-06-30T12:00:00.123456789012345678901234567890Z', '2026-06-30T12:00:00.0000000000001+05:45',
  '2026-06-30T12:00:00+14:00', '2026-06-30T12:00:00-12:00', '2026-06-30T12:00:00+15:59', '2026-06-30T12:00:00+16:00', '2026-06-30T12:00:00+23:59',
  '2026-06-30T12:00:00-23:59', '2026-06-30T12:00:00-00:00', '2026-06-30T12:00:00+0530', '2026-06-30T12:00:00+05', '2026-06-30T12:00:00',
  '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-06-31T00:00:00Z',
  '2026-06-30T24:00:00Z', '2026-06-30\t12:00:00Z', '2026-06-30\u00a012:00:00Z', '+2026-06-30T12:00:00Z', '12026-06-30T12:00:00Z', '2026-06-30',
];

const CONTROL_STRINGS = ['\u0000', 'a\u0000b', '\u0001\u001f\u007f', '\u0085\u2028\u2029', '\ufeffbom', '\u202eevil', '\ud800', 'x\udfff', '\u{10ffff}', 'e\u0301', ' ', '\t\n'];

/** Pattern-valid variants of an example: every letter/digit swapped for another of its class. */
function lookalikes(example: string): string[] {
  return [
    example.replace(/[A-Z]/g, 'Z').replace(/[a-z]/g, 'z').replace(/[0-9]/g, '9'),
    example.replace(/[A-Z]/g, 'A').replace(/[a-z]/g, 'a').replace(/[0-9]/g, '0'),
  ];
}

/** For an example that is base64url JSON (a cursor): the same shape with hostile values. */
function tokenVariants(example: string): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(example, 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) return [];
  const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');
  const out = [enc(decoded), enc({ ...decoded, v: 1 }), enc('{"d":1,"s":1e300}'), enc('{"v":1,"d":"1.000","s":1e300}'), enc('{"v":1,"d":"1.000","s":9223372036854775808}')];
  for (const key of Object.keys(decoded)) {
    for (const hostile of [1e300, -1e300, 1e-300, -1, 0, 2 ** 63, '1e400', '99999999999999999999.5', 'NaN', '', null, true, [], {}]) {
      out.push(enc({ v: 1, ...decoded, [key]: hostile }));
    }
  }
  out.push(enc([]), enc(null), enc('"x"'), enc('{"v":1,"d":"1.000","s":1,"x":1}'));
  return out;
}

function strings(s: Schema, example: unknown): unknown[] {
  if (s.format === 'date-time') return [...DATE_TIMES, ''];
  const out: unknown[] = ['', ...CONTROL_STRINGS];
  const ex = typeof example === 'string' ? example : undefined;
  if (ex) out.push(ex, ...lookalikes(ex), ex.toUpperCase(), ex.toLowerCase(), ex + ex.at(-1), ex.slice(0, -1), ...tokenVariants(ex));
  const max = s.maxLength ?? 256;
  const min = s.minLength ?? 0;
  for (const n of new Set([min, Math.max(min - 1, 0), max, max + 1])) {
    // 'a' counts one unit everywhere; an emoji is one code point (JSON Schema) but two UTF-16 units.
    out.push('a'.repeat(n), '😀'.repeat(n), 'é'.repeat(n));
    if (ex) out.push(ex.padEnd(n, ex.at(-1)));
  }
  return out;
}

/** Values at and around the edges of one schema (the contract decides which are valid). */
export function boundaryValues(doc: OpenApiDocument, schema: Schema, example?: unknown): unknown[] {
  const s = deref(doc, schema);
  const example_ = example ?? s.example ?? s.examples?.[0];
  if (s.enum) return [...s.enum, ...s.enum.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)), '', null];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'number' || type === 'integer') return numbers(s);
  if (type === 'boolean') return [true, false, 'true', 0, null];
  if (type === 'string') return strings(s, example_);
  if (type === 'array') {
    const items = s.items ? boundaryValues(doc, s.items) : [1];
    const distinct = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);
    return [[], distinct(s.maxItems ?? 50), distinct((s.maxItems ?? 50) + 1), ['dup', 'dup'], ...items.map((v) => [v]), null];
  }
  return [null, {}, []];
}

const distinct = (values: unknown[]) => [...new Map(values.map((v) => [Object.is(v, -0) ? '-0' : JSON.stringify(v), v])).values()];

const encodeQuery = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Header values fetch can send unchanged (a ByteString without the characters it strips or refuses). */
const sendableHeader = (v: string) => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v) || v === '';

function exampleOf(doc: OpenApiDocument, p: { example?: unknown; examples?: Record<string, { value?: unknown }>; schema?: Schema }): unknown {
  return p.example ?? Object.values(p.examples ?? {})[0]?.value ?? (p.schema ? deref(doc, p.schema).examples?.[0] : undefined);
}

/** Every boundary case of every operation of the contract the validator was built from. */
export function boundaryCases(validator: OpenApiValidator, token: string): BoundaryCase[] {
  const doc = validator.document;
  const cases: BoundaryCase[] = [];
  let n = 0;
  for (const op of validator.operations) {
    const raw = (doc.paths[op.path]?.[op.method.toLowerCase()] ?? {}) as { 'x-query-dependent-required'?: Record<string, string[]> };
    const params = op.parameters.map((p) => ({ ...p, example: exampleOf(doc, at(doc, p.pointer) as never) }));
    const baseBody = op.requestBody
      ? (Object.values((at(doc, `${op.requestBody.pointer}/content/application~1json`) as { examples?: Record<string, { value: Record<string, unknown> }> }).examples ?? {})[0]?.value ?? {})
      : undefined;

    const build = (vary: { in: string; name: string; value: unknown } | undefined, extraQuery: Record<string, string> = {}) => {
      const pathParams: Record<string, string> = {};
      const query = new URLSearchParams();
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      for (const p of params) {
        const value = vary && vary.in === p.in && vary.name === p.name ? vary.value : p.in === 'path' || p.required ? p.example : undefined;
        if (value === undefined) continue;
        // A URL carries UTF-8: a lone surrogate goes out as U+FFFD, as URLSearchParams does for the query.
        if (p.in === 'path') pathParams[p.name] = Buffer.from(encodeQuery(value), 'utf8').toString('utf8');
        else if (p.in === 'query') query.set(p.name, encodeQuery(value));
        else if (p.in === 'header') headers[p.name.toLowerCase()] = encodeQuery(value);
      }
      for (const [k, v] of Object.entries(extraQuery)) query.set(k, v);
      let body: unknown;
      if (baseBody) {
        // A fresh idempotency key per case, so each one is stored rather than replayed.
        body = { ...baseBody, ...(typeof baseBody.source_id === 'string' ? { source_id: `sweep-${Date.now().toString(36)}-${n}` } : {}) };
        if (vary?.in === 'body') (body as Record<string, unknown>)[vary.name] = vary.value;
        if (body && vary?.in === 'body' && vary.value === undefined) delete (body as Record<string, unknown>)[vary.name];
        headers['content-type'] = 'application/json';
      }
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(pathParams[name] ?? ''));
      const qs = query.toString();
      const problems = validator.validateRequest(op, { pathParams, query, headers: new Headers(headers), body });
      const dependent = Object.entries(raw['x-query-dependent-required'] ?? {}).flatMap(([k, req]) => (query.has(k) ? req.filter((r) => !query.has(r)) : []));
      return { path: qs ? `${path}?${qs}` : path, headers, body, invalid: problems.length > 0 || dependent.length > 0, dependent };
    };

    const push = (name: string, blame: string[], vary: Parameters<typeof build>[0], extra?: Record<string, string>, opaque = false) => {
      const b = build(vary, extra);
      cases.push({ name: `${op.operationId} ${name}`, operation: op, method: op.method, url: b.path, headers: b.headers, ...(b.body !== undefined ? { body: b.body } : {}), blame: [...blame, ...b.dependent.map((d) => `query/${d}`)], invalid: b.invalid, opaque });
      n++;
    };

    push('(examples)', [], undefined);
    for (const p of params) {
      if (!p.schema) continue;
      // An empty, '.' or '..' path segment addresses another route (or is resolved away by URL parsing).
      const values = distinct(boundaryValues(doc, p.schema as Schema, p.example)).filter(
        (v) => v !== null && (p.in !== 'header' || sendableHeader(encodeQuery(v))) && !(p.in === 'path' && ['', '.', '..'].includes(encodeQuery(v))),
      );
      for (const v of values) push(`${p.in}/${p.name}=${JSON.stringify(v).slice(0, 60)}`, [`${p.in}/${p.name}`], { in: p.in, name: p.name, value: v }, undefined, p.name === 'cursor');
    }
    // Every proper subset of a dependent-required group (e.g. one to three of the four bounds).
    const group = Object.keys(raw['x-query-dependent-required'] ?? {});
    for (let mask = 1; mask < (1 << group.length) - 1; mask++) {
      const given = Object.fromEntries(group.filter((_, i) => mask & (1 << i)).map((g) => [g, String(exampleOf(doc, at(doc, params.find((p) => p.name === g)!.pointer) as never))]));
      push(`partial ${Object.keys(given).join(',')}`, [], undefined, given);
    }
    if (baseBody) {
      const schema = deref(doc, at(doc, `${op.requestBody!.pointer}/content/application~1json/schema`) as Schema);
      for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
        const example = (baseBody as Record<string, unknown>)[prop];
        for (const v of [...distinct(boundaryValues(doc, propSchema, example)), undefined]) push(`body/${prop}=${JSON.stringify(v)?.slice(0, 60)}`, [`body/${prop}`, 'body'], { in: 'body', name: prop, value: v });
      }
    }
  }
  return cases;
}
