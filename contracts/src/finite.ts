import { _, type KeywordCxt, type KeywordDefinition } from 'ajv';

/**
 * JSON.parse('1e400') is Infinity, and ajv's `number`/`integer` checks (and `minimum` without a
 * maximum) let it through. This keyword, added to every numeric schema by `requireFiniteNumbers`, is
 * how the REST validator and the compiled event validators refuse it. Code-generated, so ajv's
 * standalone output inlines it.
 */
const FINITE_KEYWORD = 'x-cleanapp-finite';

export const finiteKeyword: KeywordDefinition = {
  keyword: FINITE_KEYWORD,
  type: 'number',
  schemaType: 'boolean',
  code(cxt: KeywordCxt) {
    if (cxt.schema === true) cxt.fail(_`!Number.isFinite(${cxt.data})`);
  },
  error: { message: 'must be a finite number' },
};

// Values under these keys are data (or names), not schemas.
const DATA_KEYS = new Set(['examples', 'example', 'enum', 'const', 'default']);

const isNumeric = (type: unknown) => (Array.isArray(type) ? type : [type]).some((t) => t === 'number' || t === 'integer');

/** A copy of `schema` (a JSON Schema or a whole OpenAPI/AsyncAPI document) where every numeric schema also requires a finite number. */
export function requireFiniteNumbers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => requireFiniteNumbers(s)) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = DATA_KEYS.has(key) ? value : requireFiniteNumbers(value);
  if (isNumeric(out.type)) out[FINITE_KEYWORD] = true;
  return out as T;
}
