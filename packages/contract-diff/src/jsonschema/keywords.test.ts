import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

describe('JSON Schema 2020 keywords', () => {
  it('contains added narrows input; a longer prefixItems is info, as in oasdiff', () => {
    expect(verdicts(schemaChanges({ type: 'array' }, { type: 'array', contains: { type: 'string' } }, request))).toEqual([['request-body-contains-added', 'breaking']]);
    expect(verdicts(schemaChanges({ prefixItems: [{}] }, { prefixItems: [{}, {}] }, request))).toEqual([['request-body-prefix-items-added', 'info']]);
  });

  it('dependentRequired compares its lists as sets', () => {
    expect(schemaChanges({ dependentRequired: { a: ['b', 'c'] } }, { dependentRequired: { a: ['c', 'b'] } }, request)).toEqual([]);
    expect(verdicts(schemaChanges({ dependentRequired: { a: ['b'] } }, { dependentRequired: { a: ['c'] } }, request))).toEqual([['request-body-dependent-required-changed', 'breaking']]);
  });

  it('a changed contentMediaType breaks readers', () => {
    expect(verdicts(schemaChanges({ type: 'string', contentMediaType: 'image/png' }, { type: 'string', contentMediaType: 'image/jpeg' }))).toEqual([
      ['response-body-content-media-type-changed', 'breaking'],
    ]);
  });

  it('compares subschemas below the keywords', () => {
    const before = { type: 'object', patternProperties: { '^x-': { type: 'string' } } };
    const after = { type: 'object', patternProperties: { '^x-': { type: 'integer' } } };
    expect(schemaChanges(before, after).map((c) => [c.id, c.location])).toEqual([['response-property-type-changed', 'payload /patternProperties/^x-']]);
  });
});
