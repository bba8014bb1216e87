import { describe, expect, it } from 'vitest';
import { authRequiredFrom } from './ops.js';

describe('authRequiredFrom', () => {
  it('is on by default and for anything but an explicit false', () => {
    for (const value of [undefined, '', 'true', '1', 'yes', 'flase', 'disabled']) expect(authRequiredFrom({ AUTH_REQUIRED: value })).toBe(true);
  });

  it('is off only for false/0/no/off', () => {
    for (const value of ['false', 'FALSE', ' 0 ', 'no', 'off']) expect(authRequiredFrom({ AUTH_REQUIRED: value })).toBe(false);
  });
});
