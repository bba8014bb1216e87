import { describe, expect, it } from 'vitest';
import { EXTRA_RULES } from '../src/extra-rules.js';
import { GRAPHQL_RULE_IDS } from '../src/graphql.js';
import { OPENAPI_RULES } from '../src/openapi/rules.js';

describe('rule tables', () => {
  it('never define an id twice, so a level cannot depend on lookup order', () => {
    const own = Object.keys(EXTRA_RULES);
    expect(own.filter((id) => id in OPENAPI_RULES)).toEqual([]);
    expect(own.filter((id) => GRAPHQL_RULE_IDS.has(id))).toEqual([]);
  });

  it('keep oasdiff levels for the ids the corpus is scored on', () => {
    // Spot checks against oasdiff checker/rules.go: a changed level here would silently change verdicts.
    expect(OPENAPI_RULES['response-required-property-removed']?.[0]).toBe('breaking');
    expect(OPENAPI_RULES['request-property-removed']?.[0]).toBe('warning');
    expect(OPENAPI_RULES['response-optional-property-added']?.[0]).toBe('info');
    expect(Object.keys(OPENAPI_RULES)).toHaveLength(509);
  });
});
