// Shapes shared by the JSON Schema differ and its per-concern modules.
import type { EmitFields, Emitter } from '../emitter.js';
import type { RuleId } from '../rules.js';
import type { DocumentSet, JsonObject, Located } from '../refs.js';

/** request = what clients write, response = what they read. */
export type Dir = 'request' | 'response';
export type Where = 'body' | 'property' | 'parameter' | 'parameter-property' | 'header-property' | 'response-header';

export interface Policy {
  /** Days of notice required before a deprecated item may go; 0 = no sunset required. */
  deprecationDays: { beta: number; stable: number };
  now: Date;
  /**
   * Whether a revision schema node is also reached from what clients send (`request`) or read
   * (`response`) elsewhere in the document; without it, a schema is taken to serve one direction only.
   */
  usedIn?: (node: JsonObject, dir: Dir) => boolean;
}

export interface SchemaCtx {
  dir: Dir;
  where: Where;
  /** Property path inside the schema, e.g. `/data/seq`. */
  prop: string;
  /** Location prefix, e.g. `POST /reports request body application/json`. */
  loc: string;
  operation?: string | undefined;
  path?: string | undefined;
  readOnly?: boolean;
  writeOnly?: boolean;
  kind: string;
  /** Media type of the body, when the schema describes one. */
  mediaType?: string;
  /** Parameter location (`query`, `header`, ...) when the schema is a parameter's. */
  paramIn?: string;
  /** An allOf member: its properties were already compared as part of the merged parent. */
  skipProps?: boolean;
}

/** A dereferenced schema with its nullability and list of types made explicit. */
export interface View {
  node: JsonObject;
  url: string;
  ref?: string | undefined;
  nullable: boolean;
  types: string[];
}

/** An object's properties and `required`, its allOf members included. */
export interface Flat {
  props: Map<string, Located>;
  required: Set<string>;
}

/** Rule-id prefixes a schema change is reported under (`request-property` in `request-property-max-set`). */
export type Scope =
  | 'request-body'
  | 'request-property'
  | 'request-parameter'
  | 'request-parameter-property'
  | 'request-header-property'
  | 'response-body'
  | 'response-property'
  | 'response-header'
  | 'request-read-only-property'
  | 'response-write-only-property';

type Rows<T> = { [W in keyof T & string]: readonly Extract<RuleId, `${Scope}-${W}`>[] };

/**
 * A table from a schema change (`max-set`) to every registered id that reports it, one per scope.
 * The ids are spelled out so that searching for one finds the module that emits it; the type makes
 * each id a registered `<scope>-<change>`. `rules.test.ts` checks no registered combination is missing.
 */
export function schemaRules<const T extends Rows<T>>(rows: T): T {
  return rows;
}

/**
 * What a per-concern module needs of the differ that walks the schemas. `Change` is the module's own
 * table of schema changes, so a module can only report the changes its table registers.
 */
export interface SchemaReporter<Change extends string> {
  readonly out: Emitter;
  readonly bDocs: DocumentSet;
  readonly rDocs: DocumentSet;
  readonly policy: Policy;
  emit(ctx: SchemaCtx, what: Change, detail: string, extra?: Pick<EmitFields, 'clientLevel'>): void;
  emitAt(id: RuleId, ctx: SchemaCtx, prop: string, extra?: Pick<EmitFields, 'detail' | 'level' | 'clientLevel'>): void;
  diff(b: Located, r: Located, ctx: SchemaCtx): void;
  nest(ctx: SchemaCtx, seg: string, extra?: Partial<SchemaCtx>): SchemaCtx;
}
