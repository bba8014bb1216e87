import { describe, expect, it } from 'vitest';
import { request, schemaChanges, verdicts } from '../../test/schema-diff.js';

describe('bounds and patterns', () => {
  it('a lower maximum narrows input; a higher one widens output', () => {
    expect(verdicts(schemaChanges({ type: 'integer', maximum: 10 }, { type: 'integer', maximum: 5 }, request))).toEqual([['request-body-max-decreased', 'breaking']]);
    expect(verdicts(schemaChanges({ type: 'integer', maximum: 5 }, { type: 'integer', maximum: 10 }))).toEqual([['response-body-max-increased', 'breaking']]);
  });

  it('reads 3.0 boolean exclusivity like the 3.1 number form', () => {
    expect(schemaChanges({ type: 'number', maximum: 5, exclusiveMaximum: true }, { type: 'number', exclusiveMaximum: 5 })).toEqual([]);
  });

  it('ignores a keyword that does not apply to the declared type', () => {
    expect(schemaChanges({ type: 'string', maxItems: 3 }, { type: 'string', maxItems: 1 }, request)).toEqual([]);
  });

  it('has no rule for adding maxContains, but reports changing it', () => {
    expect(schemaChanges({ type: 'array' }, { type: 'array', maxContains: 2 }, request)).toEqual([]);
    expect(verdicts(schemaChanges({ type: 'array', maxContains: 3 }, { type: 'array', maxContains: 2 }, request))).toEqual([['request-body-max-contains-decreased', 'breaking']]);
  });

  it('patterns: added narrows input, a match-all pattern generalizes', () => {
    expect(verdicts(schemaChanges({ type: 'string' }, { type: 'string', pattern: '^a' }, request))).toEqual([['request-body-pattern-added', 'breaking']]);
    expect(verdicts(schemaChanges({ type: 'string', pattern: '^a' }, { type: 'string', pattern: '.*' }, request))).toEqual([['request-body-pattern-generalized', 'info']]);
  });
});
