import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { UserContext } from '@redocly/openapi-core';

// ajv-formats is CJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv | Ajv2020) => void;

type Resolve = UserContext['resolve'];
type Location = UserContext['location'];
export type Dialect = 'draft-07' | '2020-12';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keywords whose values are (maps or lists of) subschemas; everything else is data and is copied as is.
const SCHEMA = new Set(['items', 'additionalItems', 'additionalProperties', 'propertyNames', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']);
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies']);

class Unresolved extends Error {}

/**
 * A self-contained copy of a schema with every `$ref` replaced by its target, followed through Redocly's
 * resolver so relative refs across split files work. Standard ajv cannot load refs synchronously from
 * our files; inlining is simpler. ajv cannot compile a cyclic object, so a recursive schema is unrolled
 * RECURSION_DEPTH times and then accepts anything below (examples are rarely deeper).
 * Throws `Unresolved` for a dangling ref (reported elsewhere).
 */
const RECURSION_DEPTH = 3;

function inline(node: unknown, loc: Location, resolve: Resolve, dialect: Dialect, stack: Map<string, number>): unknown {
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const target = resolve(node, loc.source.absoluteRef);
    if (!target.location) throw new Unresolved();
    const key = target.location.absolutePointer;
    const depth = stack.get(key) ?? 0;
    let resolved: unknown = {};
    if (depth < RECURSION_DEPTH) {
      stack.set(key, depth + 1);
      resolved = inline(target.node, target.location, resolve, dialect, stack);
      stack.set(key, depth);
    }
    const { $ref: _ref, ...siblings } = node;
    // draft-07 ignores keywords next to $ref; 2020-12 applies them as well.
    if (dialect === 'draft-07' || Object.keys(siblings).length === 0) return resolved;
    const rest = inline(siblings, loc, resolve, dialect, stack) as Record<string, unknown>;
    return { ...rest, allOf: [...(Array.isArray(rest.allOf) ? rest.allOf : []), resolved] };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // $id would make ajv refuse a second compile of the same file; $schema is decided by `dialect`.
    if (key === '$id' || key === '$schema') continue;
    const at = loc.child(key);
    if (SCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map((v, i) => inline(v, at.child(i), resolve, dialect, stack));
    else if (SCHEMA.has(key)) out[key] = inline(value, at, resolve, dialect, stack);
    else if (SCHEMA_MAP.has(key) && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : inline(v, at.child(k), resolve, dialect, stack)]));
    else out[key] = value;
  }
  return out;
}

let ajv07: Ajv | undefined;
let ajv2020: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function compile(schema: unknown, dialect: Dialect): ValidateFunction {
  const key = `${dialect}:${JSON.stringify(schema)}`;
  let fn = compiled.get(key);
  if (!fn) {
    const options = { allErrors: true, strict: false, validateSchema: false } as const;
    const ajv = dialect === 'draft-07' ? (ajv07 ??= withFormats(new Ajv(options))) : (ajv2020 ??= withFormats(new Ajv2020(options)));
    fn = ajv.compile(schema as object);
    compiled.set(key, fn);
  }
  return fn;
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats(ajv);
  return ajv;
}

function describe(e: ErrorObject): { path: string; message: string } {
  let path = e.instancePath;
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const prop = String((e.params as { additionalProperty: string }).additionalProperty);
    path += `/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    message = `property \`${prop}\` is not allowed`;
  } else if (e.keyword === 'enum') {
    message += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const name = path.slice(path.lastIndexOf('/') + 1);
  return { path, message: name && e.keyword !== 'additionalProperties' ? `\`${name.replace(/~1/g, '/').replace(/~0/g, '~')}\` ${message}` : message };
}

export interface ExampleCheck {
  /** The schema as written (may be a `$ref`) and where it is. */
  schema: unknown;
  schemaLocation: Location;
  /** The example value and where it is (problems point inside it). */
  example: unknown;
  exampleLocation: Location;
  dialect: Dialect;
}

/**
 * Validates one example against its schema and reports each mismatch at the offending spot inside the
 * example, in the file that holds the example. Dangling refs are left to `no-unresolved-refs`.
 */
export function checkExample({ schema, schemaLocation, example, exampleLocation, dialect }: ExampleCheck, ctx: Pick<UserContext, 'resolve' | 'report'>) {
  let fn: ValidateFunction;
  try {
    fn = compile(inline(schema, schemaLocation, ctx.resolve, dialect, new Map()), dialect);
  } catch (error) {
    if (error instanceof Unresolved) return;
    // Point at the schema itself (the ref target), where the fix goes.
    const target = isObject(schema) && typeof schema.$ref === 'string' ? ctx.resolve(schema, schemaLocation.source.absoluteRef).location : undefined;
    ctx.report({ message: `The schema cannot be compiled to check the example: ${(error as Error).message}`, location: target ?? schemaLocation });
    return;
  }
  if (fn(example)) return;
  for (const e of fn.errors ?? []) {
    const { path, message } = describe(e);
    ctx.report({
      message: `Example value must conform to the schema: ${message}.`,
      // Redocly's root pointer is `#/`; ajv's instancePath starts with `/`.
      location: { source: exampleLocation.source, pointer: `${exampleLocation.pointer.replace(/\/$/, '')}${path}` || '#/' },
    });
  }
}
