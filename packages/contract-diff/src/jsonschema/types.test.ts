import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

describe('types and formats', () => {
  it('integer → number widens: breaking for readers, fine for writers', () => {
    expect(verdicts(schemaChanges({ type: 'integer' }, { type: 'number' }))).toEqual([['response-body-type-generalized', 'breaking']]);
    expect(verdicts(schemaChanges({ type: 'integer' }, { type: 'number' }, request))).toEqual([['request-body-type-generalized', 'info']]);
  });

  it('a wider format generalizes, an unrelated type changes', () => {
    expect(verdicts(schemaChanges({ type: 'integer', format: 'int32' }, { type: 'integer', format: 'int64' }))).toEqual([['response-body-type-generalized', 'breaking']]);
    expect(verdicts(schemaChanges({ type: 'string' }, { type: 'boolean' }, request))).toEqual([['request-body-type-changed', 'breaking']]);
  });

  it('a list of types widened or narrowed', () => {
    expect(verdicts(schemaChanges({ type: ['string'] }, { type: ['string', 'integer'] }))).toEqual([['response-body-list-of-types-widened', 'breaking']]);
    expect(verdicts(schemaChanges({ type: ['string', 'integer'] }, { type: 'string' }, request))).toEqual([['request-body-list-of-types-narrowed', 'breaking']]);
  });

  it('treats 3.0 nullable, 3.1 type arrays and oneOf [X, null] alike', () => {
    const nullable = [{ type: 'string', nullable: true }, { type: ['string', 'null'] }, { oneOf: [{ type: 'string' }, { type: 'null' }] }];
    for (const a of nullable) for (const b of nullable) expect(schemaChanges(a, b)).toEqual([]);
    expect(verdicts(schemaChanges({ type: 'string' }, nullable[2]!))).toEqual([['response-body-became-nullable', 'breaking']]);
  });

  it('grades object ↔ string in form and text bodies as compatible: both travel as text', () => {
    expect(verdicts(schemaChanges({ type: 'object' }, { type: 'string' }, { mediaType: 'application/x-www-form-urlencoded' }))).toEqual([['response-body-type-compatible', 'info']]);
  });
});
