/** A parameter object of an OpenAPI document, as far as its example values go. */
export interface ParameterExamples {
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
  schema?: { example?: unknown; examples?: unknown[]; default?: unknown };
}

/**
 * A parameter's example value: the parameter's `example`, its first named example, then its schema's
 * `example`, first `examples` entry and `default`. `schemaOf` resolves a `$ref`ed schema in an
 * undereferenced document.
 */
export function parameterExample(param: ParameterExamples, schemaOf: (schema: unknown) => unknown = (s) => s): unknown {
  const schema = schemaOf(param.schema) as ParameterExamples['schema'];
  const candidates = [param.example, Object.values(param.examples ?? {})[0]?.value, schema?.example, schema?.examples?.[0], schema?.default];
  return candidates.find((v) => v !== undefined);
}
