// Shared by the per-rule tests of issue #18's change classes (one file per class): each file pairs a
// base and a revision that break clients with a twin revision that does not.
import { diff } from '../../src/index.js';

type Obj = Record<string, unknown>;

/** An OpenAPI 3.1 document with one `GET /reports/{id}` operation; `extra` adds or replaces root members. */
export function openapi(op: Obj = {}, extra: Obj = {}): Obj {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { '/reports/{id}': { get: { parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } }, ...op } } },
    ...extra,
  };
}

/** `[id, level]` of every finding of a comparison, sorted (the CLI's default judgement). */
export async function verdicts(base: unknown, revision: unknown): Promise<[string, string][]> {
  const result = await diff(base, revision);
  return result.changes.map((c): [string, string] => [c.id, c.level]).sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
}

/** The findings of a comparison with their messages, for asserting what a report says. */
export async function messages(base: unknown, revision: unknown): Promise<string[]> {
  return (await diff(base, revision)).changes.map((c) => `${c.level} ${c.id}: ${c.message}`);
}
