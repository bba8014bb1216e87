import { describe, expect, it } from 'vitest';
import { patternOverlap } from './pattern-overlap.js';

describe('patternOverlap', () => {
  it('finds no common value when an id format is replaced by another', () => {
    expect(patternOverlap('^rpt_[A-Za-z0-9]{12}$', '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')).toBe('disjoint');
    expect(patternOverlap('^[0-9]+$', '^[a-z]+$')).toBe('disjoint');
  });

  it('sees an overlap when the new pattern widens or narrows the old one', () => {
    expect(patternOverlap('^[a-z]{3}$', '^[a-z]{2,4}$')).toBe('overlap');
    expect(patternOverlap('^[a-z0-9]+$', '^[a-z]+$')).toBe('overlap');
  });

  it('answers unknown when a pattern does not compile or yields no value it accepts', () => {
    expect(patternOverlap('^(unclosed', '^a$')).toBe('unknown');
    // randexp ignores lookahead: its samples of this pattern never match it.
    expect(patternOverlap('^(?=x)y$', '^a$')).toBe('unknown');
  });

  it('is deterministic', () => {
    const verdicts = new Set(Array.from({ length: 5 }, () => patternOverlap('^[A-Z]{2}[0-9]{3}$', '^[A-Z]{3}[0-9]{2}$')));
    expect(verdicts.size).toBe(1);
  });
});
