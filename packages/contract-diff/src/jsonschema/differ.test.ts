import { describe, expect, it } from 'vitest';
import { bareDiffer, request, schemaChanges } from '../../test/schema-diff.js';
import type { SchemaCtx } from './context.js';

describe('schema differ', () => {
  const differ = bareDiffer();
  const ctx = (c: Partial<SchemaCtx>): SchemaCtx => ({ dir: 'request', where: 'property', prop: '', loc: '', kind: 'test', ...c });

  it('picks the finest scope that has a rule, then falls back', () => {
    expect(differ.idFor(ctx({ readOnly: true }), 'max-decreased')).toBe('request-read-only-property-max-decreased');
    expect(differ.idFor(ctx({}), 'max-decreased')).toBe('request-property-max-decreased');
    expect(differ.idFor(ctx({ where: 'parameter-property' }), 'max-decreased')).toBe('request-parameter-max-decreased');
    expect(differ.idFor(ctx({ dir: 'response' }), 'became-enum')).toBeUndefined();
  });

  it('stops on recursive schemas: each level is compared once, then the cycle is cut', () => {
    const tree = (leaf: string) => ({ $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' }, v: { type: leaf } } } }, $ref: '#/$defs/node' });
    expect(schemaChanges(tree('string'), tree('string'))).toEqual([]);
    expect(schemaChanges(tree('string'), tree('boolean'), request).map((c) => c.location).sort()).toEqual(['payload /child/v', 'payload /v']);
  });

  it('treats wrapping a body into oneOf as one change', () => {
    const alternative = (p: string) => ({ type: 'object', properties: { [p]: { type: 'string' } } });
    expect(schemaChanges(alternative('a'), { oneOf: [alternative('a'), alternative('b')] }).map((c) => c.id)).toEqual(['response-body-wrapped-in-one-of']);
  });
});
