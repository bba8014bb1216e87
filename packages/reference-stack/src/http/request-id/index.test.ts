import { describe, expect, it } from 'vitest';
import { requestIdFrom } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('echoes a well-formed id', () => {
    expect(requestIdFrom('client-rid-42')).toBe('client-rid-42');
    expect(requestIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it.each([undefined, null, '', 'has space', 'x'.repeat(129), 'tab\t', 'ünïcode'])('replaces %j with a UUID', (incoming) => {
    expect(requestIdFrom(incoming)).toMatch(UUID);
  });
});
