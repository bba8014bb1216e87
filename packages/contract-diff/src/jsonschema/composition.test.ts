import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

const a = { title: 'A', type: 'object', properties: { a: { type: 'string' } } };
const b = { title: 'B', type: 'object', properties: { b: { type: 'string' } } };

describe('composition and discriminators', () => {
  it('a new oneOf alternative surprises readers and is harmless for writers', () => {
    expect(verdicts(schemaChanges({ oneOf: [a] }, { oneOf: [a, b] }))).toEqual([['response-body-one-of-added', 'breaking']]);
    expect(verdicts(schemaChanges({ oneOf: [a] }, { oneOf: [a, b] }, request))).toEqual([['request-body-one-of-added', 'info']]);
  });

  it('matches alternatives by title, not position', () => {
    expect(schemaChanges({ anyOf: [a, b] }, { anyOf: [b, a] })).toEqual([]);
  });

  it('extracting properties into an allOf base is a refactoring, not remove + add', () => {
    const flat = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'] };
    const split = { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'string' } } }] };
    expect(schemaChanges(flat, split)).toEqual([]);
  });

  it('an annotation-only allOf member has its own rule', () => {
    expect(verdicts(schemaChanges({ allOf: [a] }, { allOf: [a, { description: 'note' }] }))).toEqual([['response-body-all-of-added-annotation-only', 'info']]);
  });

  it('discriminator mappings', () => {
    const d = (mapping: object) => ({ oneOf: [a, b], discriminator: { propertyName: 'kind', mapping } });
    expect(verdicts(schemaChanges(d({ a: '#/A', b: '#/B' }), d({ a: '#/A' }), request))).toEqual([['request-body-discriminator-mapping-deleted', 'info']]);
  });
});
