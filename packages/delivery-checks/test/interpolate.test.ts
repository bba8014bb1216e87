import { describe, expect, it } from 'vitest';
import { interpolate, InterpolationError } from '../src/interpolate.js';

describe('compose interpolation', () => {
  const env = { SET: 'v', EMPTY: '' };
  it.each([
    ['${SET}', 'v'],
    ['$SET', 'v'],
    ['${UNSET}', ''],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${SET:+alt}', 'alt'],
    ['$${SET}', '${SET}'],
    ['a:${SET:?must}:b', 'a:v:b'],
  ])('%s -> %s', (input, out) => expect(interpolate(input, env)).toBe(out));

  it('a required variable that is unset throws with its message', () => {
    expect(() => interpolate('${NOPE:?set NOPE (see README)}', env)).toThrow(InterpolationError);
    expect(() => interpolate('${NOPE:?set NOPE (see README)}', env)).toThrow(/NOPE: set NOPE \(see README\)/);
  });
});
