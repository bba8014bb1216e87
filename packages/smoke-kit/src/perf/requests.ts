import { readFileSync } from 'node:fs';
import { contractPaths } from '@cleanapp/contracts';
import { parameterExample, type ParameterExamples } from '../examples.js';

interface InlineParameter extends ParameterExamples {
  name: string;
  in: string;
  required?: boolean;
}
interface InlineOperation {
  operationId?: string;
  parameters?: InlineParameter[];
  security?: Record<string, string[]>[];
}

let dereferenced: { paths: Record<string, Record<string, InlineOperation>> } | undefined;

/** The contract with every `$ref` inlined (generated/openapi.dereferenced.json): parameters read directly. */
function operationAt(method: string, path: string): InlineOperation {
  dereferenced ??= JSON.parse(readFileSync(contractPaths.openapiDereferenced, 'utf8')) as typeof dereferenced;
  const op = dereferenced!.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`the contract has no operation ${method} ${path}`);
  return op;
}

/** What the perf suite sends for a budgeted REST operation, and the scopes its token needs (none: public). */
export interface OperationRequest {
  method: string;
  /** Path with path parameters filled and required query parameters set, e.g. `/api/v4/reports/near?latitude=52.52&longitude=13.405`. */
  path: string;
  scopes: string[];
}

/**
 * Builds the request for a budgeted operation from the contract: path parameters and required query
 * parameters take the contract's example values (optional ones are left out: the server's defaults are
 * what most callers get). A required parameter without any example is a contract gap and throws.
 */
export function operationRequest(method: string, path: string): OperationRequest {
  const op = operationAt(method, path);
  let filled = path;
  const query = new URLSearchParams();
  for (const p of op.parameters ?? []) {
    if (p.in !== 'path' && !(p.in === 'query' && p.required)) continue;
    const value = parameterExample(p);
    if (value === undefined) throw new Error(`${method} ${path} (${op.operationId}): required ${p.in} parameter \`${p.name}\` has no example to send under load`);
    if (p.in === 'path') filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(value)));
    else query.set(p.name, String(value));
  }
  const qs = query.toString();
  const scopes = [...new Set(Object.values(op.security?.[0] ?? {}).flat())];
  return { method, path: qs ? `${filled}?${qs}` : filled, scopes };
}
