import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

const obj = (properties: object, required: string[] = [], extra: object = {}) => ({ type: 'object', properties, required, ...extra });
const s = { type: 'string' };

describe('properties', () => {
  it('removing a required property breaks readers; writers only get a warning', () => {
    expect(verdicts(schemaChanges(obj({ a: s, b: s }, ['a', 'b']), obj({ a: s }, ['a'])))).toEqual([['response-required-property-removed', 'breaking']]);
    expect(verdicts(schemaChanges(obj({ a: s, b: s }), obj({ a: s }), request))).toEqual([['request-property-removed', 'warning']]);
  });

  it('a new required request property breaks writers unless the server ignores it (readOnly)', () => {
    expect(verdicts(schemaChanges(obj({}), obj({ a: s }, ['a']), request))).toEqual([['new-required-request-property', 'breaking']]);
    expect(schemaChanges(obj({}), obj({ a: { ...s, readOnly: true } }, ['a']), request)).toEqual([]);
  });

  it('required-ness flips and readOnly/writeOnly flips', () => {
    expect(verdicts(schemaChanges(obj({ a: s }, ['a']), obj({ a: s })))).toEqual([['response-property-became-optional', 'breaking']]);
    // readOnly where clients write takes the property away from them (test/rules/read-write-only.test.ts);
    // where they only read, it documents what they never sent.
    expect(verdicts(schemaChanges(obj({ a: s }), obj({ a: { ...s, readOnly: true } }), request))).toEqual([['request-property-became-read-only', 'breaking']]);
    expect(verdicts(schemaChanges(obj({ a: s }), obj({ a: { ...s, readOnly: true } })))).toEqual([['response-optional-property-became-read-only', 'info']]);
  });

  it('closing an object warns writers; a property added to a closed schema breaks event consumers', () => {
    expect(verdicts(schemaChanges(obj({ a: s }), obj({ a: s }, [], { additionalProperties: false }), request))).toEqual([['request-body-additional-properties-closed', 'warning']]);
    const closed = obj({ a: s }, [], { additionalProperties: false });
    const grown = obj({ a: s, b: s }, [], { additionalProperties: false });
    expect(verdicts(schemaChanges(closed, grown))).toEqual([
      ['response-optional-property-added', 'info'],
      ['response-property-added-to-closed-schema', 'warning'],
    ]);
    expect(verdicts(schemaChanges(closed, grown, { kind: 'event-payload' }))[1]).toEqual(['response-property-added-to-closed-schema', 'breaking']);
  });
});
