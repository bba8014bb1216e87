import { describe, expect, it } from 'vitest';
import { NOW, schemaChanges, verdicts } from '../../test/schema-diff.js';
import { deprecationChange, parseDate, removalOf, stabilityChange, stabilityRank } from './lifecycle.js';

const policy = (days: number) => ({ deprecationDays: { beta: days, stable: days }, now: NOW });

describe('lifecycle: deprecation, sunset, stability', () => {
  it('ranks stability levels; absent is stable, anything else is invalid', () => {
    expect([stabilityRank('draft'), stabilityRank(undefined), stabilityRank('gold')]).toEqual([0, 3, -1]);
    expect(stabilityChange('stable', 'beta')?.change).toBe('decreased');
    expect(stabilityChange(undefined, 'gold')).toEqual({ change: 'invalid', note: 'invalid x-stability-level "gold"' });
    expect(stabilityChange('beta', 'beta')).toBeUndefined();
  });

  it('parses dates and RFC 3339 timestamps only', () => {
    expect(parseDate('2030-01-02')?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(parseDate('2030-01-02T03:04:05Z')).toBeDefined();
    expect([parseDate('tomorrow'), parseDate(20300102)]).toEqual([undefined, undefined]);
  });

  it('classifies a new deprecation against the notice policy', () => {
    const on = (r: object, days = 0) => deprecationChange({}, { deprecated: true, ...r }, policy(days))?.change;
    expect([on({}), on({}, 30), on({ 'x-sunset': 'soon' })]).toEqual(['deprecated', 'sunset-missing', 'sunset-invalid']);
    expect([on({ 'x-sunset': '2026-06-10' }, 30), on({ 'x-sunset': '2027-01-01' }, 30)]).toEqual(['sunset-too-small', 'deprecated-with-sunset']);
    expect(deprecationChange({ deprecated: true }, {}, policy(0))?.change).toBe('reactivated');
  });

  it('classifies sunset moves of an item that stays deprecated', () => {
    const move = (b?: string, r?: string) => deprecationChange({ deprecated: true, 'x-sunset': b ?? null }, { deprecated: true, ...(r ? { 'x-sunset': r } : {}) }, policy(30))?.change;
    expect(move('2027-01-01', undefined)).toBe('sunset-deleted');
    expect(move('2027-01-01', '2026-06-10')).toBe('sunset-changed-too-small');
    expect(move('2027-01-01', '2028-01-01')).toBeUndefined();
  });

  it('removal is clean once deprecated and past the sunset', () => {
    expect(removalOf({}, NOW).change).toBe('removed-without-deprecation');
    expect(removalOf({ deprecated: true, 'x-sunset': '2026-01-01' }, NOW).change).toBe('removed-with-deprecation');
    expect(removalOf({ deprecated: true, 'x-sunset': '2027-01-01' }, NOW)).toEqual({ change: 'removed-before-sunset', note: 'sunset "2027-01-01"' });
  });

  it('reports property deprecation and stability with the direction in the id', () => {
    const before = { type: 'object', properties: { a: { type: 'string', 'x-stability-level': 'stable' } } };
    const after = { type: 'object', properties: { a: { type: 'string', deprecated: true, 'x-stability-level': 'beta' } } };
    expect(verdicts(schemaChanges(before, after, {}, policy(30)))).toEqual([
      ['response-property-deprecated-sunset-missing', 'breaking'],
      ['response-property-stability-decreased', 'breaking'],
    ]);
  });
});
