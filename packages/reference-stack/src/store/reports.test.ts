import { describe, expect, it } from 'vitest';
import { storableInstant } from './reports.js';

describe('storableInstant', () => {
  it.each([
    // PostgreSQL refuses a leap second with a fraction and would move :60 on 9999-12-31 into year 10000.
    ['2016-12-31T23:59:60.5Z', '2016-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:60Z', '9999-12-31T23:59:59.999Z'],
    ['2017-01-01t08:59:60+09:00', '2017-01-01t08:59:59.999+09:00'],
    // Rounding to the microsecond would carry into year 10000; cutting cannot.
    ['9999-12-31T23:59:59.9999999Z', '9999-12-31T23:59:59.999Z'],
    ['2026-06-30T12:00:00.123456789012345678901234567890+05:45', '2026-06-30T12:00:00.123+05:45'],
    ['2026-06-30T12:00:00.1Z', '2026-06-30T12:00:00.1Z'],
    ['2026-06-30T12:00:00Z', '2026-06-30T12:00:00Z'],
  ])('%s → %s', (input, stored) => {
    expect(storableInstant(input)).toBe(stored);
  });
});
