import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

const prop = (schema: object) => ({ type: 'object', properties: { s: schema } });

describe('enums, const and default', () => {
  it('a new enum value surprises readers; a removed one breaks writers', () => {
    expect(verdicts(schemaChanges(prop({ enum: ['a'] }), prop({ enum: ['a', 'b'] })))).toEqual([['response-property-enum-value-added', 'warning']]);
    expect(verdicts(schemaChanges(prop({ enum: ['a', 'b'] }), prop({ enum: ['a'] }), request))).toEqual([['request-property-enum-value-removed', 'breaking']]);
  });

  it("reports a response body's own enum under the media type", () => {
    expect(verdicts(schemaChanges({ enum: ['a', 'b'] }, { enum: ['a'] }))).toEqual([['response-mediatype-enum-value-removed', 'info']]);
  });

  it('restricting a request to an enum, and an x-extensible-enum value removed', () => {
    expect(verdicts(schemaChanges(prop({ type: 'string' }), prop({ type: 'string', enum: ['a'] }), request))).toEqual([['request-property-became-enum', 'breaking']]);
    expect(verdicts(schemaChanges({ 'x-extensible-enum': ['a', 'b'] }, { 'x-extensible-enum': ['a'] }, request))).toEqual([['request-body-x-extensible-enum-value-removed', 'breaking']]);
  });

  it('const and default changes, compared regardless of key order', () => {
    expect(verdicts(schemaChanges(prop({ default: 1 }), prop({ default: 2 })))).toEqual([['response-property-default-value-changed', 'info']]);
    expect(schemaChanges({ const: { a: 1, b: 2 } }, { const: { b: 2, a: 1 } })).toEqual([]);
  });
});
