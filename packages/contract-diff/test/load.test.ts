import { describe, expect, it } from 'vitest';
import { detectKind } from '../src/load.js';
import { diff, parseConfig } from '../src/index.js';

describe('kind detection', () => {
  it('recognises each supported kind and names the input when it cannot', () => {
    expect(detectKind({ openapi: '3.0.3' }, '', 'a.yaml')).toBe('openapi');
    expect(detectKind({ openapi: '3.1.0' }, '', 'a.yaml')).toBe('openapi');
    expect(detectKind({ asyncapi: '3.0.0' }, '', 'e.yaml')).toBe('asyncapi');
    expect(detectKind({ $schema: 'https://json-schema.org/draft/2020-12/schema' }, '', 's.json')).toBe('jsonschema');
    expect(detectKind({ type: 'object', properties: {} }, '', 's.json')).toBe('jsonschema');
    expect(detectKind(undefined, 'type Query { a: Int }', 'q.graphql')).toBe('graphql');
    expect(() => detectKind({ swagger: '2.0' }, '', 'old.json')).toThrow(/old\.json: Swagger 2\.0 is not supported/);
    expect(() => detectKind({ asyncapi: '2.6.0' }, '', 'e.yaml')).toThrow(/e\.yaml: AsyncAPI 2\.6\.0/);
    expect(() => detectKind({ hello: 'world' }, '', 'x.yaml')).toThrow(/x\.yaml: cannot tell/);
  });

  it('refuses to compare different kinds', async () => {
    await expect(diff({ openapi: '3.1.0', paths: {} }, 'type Query { a: Int }')).rejects.toThrow(/openapi but revision is graphql/);
  });
});

describe('lifecycle policy from config', () => {
  const doc = (paths: Record<string, unknown>): Record<string, unknown> => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths });
  const alpha = doc({ '/beta-feature': { get: { 'x-stability-level': 'alpha', responses: {} } } });

  it('an alpha endpoint may disappear by default, not once the threshold includes alpha', async () => {
    expect((await diff(alpha, doc({}))).changes).toEqual([]);
    const strict = await diff(alpha, doc({}), { config: parseConfig({ stabilityLevel: 'alpha' }, 'cfg') });
    expect(strict.changes.map((c) => [c.id, c.level])).toEqual([['api-path-removed-without-deprecation', 'breaking']]);
  });

  it('with a deprecation policy, deprecating without x-sunset is breaking', async () => {
    const before = doc({ '/a': { get: { responses: {} } } });
    const after = doc({ '/a': { get: { deprecated: true, responses: {} } } });
    expect((await diff(before, after)).changes.map((c) => c.id)).toEqual(['endpoint-deprecated']);
    const policy = parseConfig({ deprecationDays: { stable: 90 } }, 'cfg');
    expect((await diff(before, after, { config: policy })).changes.map((c) => [c.id, c.level])).toEqual([['api-deprecated-sunset-missing', 'breaking']]);
  });
});
