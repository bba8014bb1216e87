// OAUTH_SYNTHETIC_PREFIXES: each client's synthetic_prefix claim, refused when it names no client or an odd prefix.
import { describe, expect, it } from 'vitest';
import { withSyntheticPrefixes } from './issuer.js';

const clients = [
  { clientId: 'smoke-runner', clientSecret: 's', scopes: ['admin'] },
  { clientId: 'moderation', clientSecret: 'm', scopes: ['admin'] },
];

describe('withSyntheticPrefixes', () => {
  it('gives the named clients their prefix and leaves the others without one', () => {
    expect(withSyntheticPrefixes(clients, ' smoke-runner=smoke- ')).toEqual([{ ...clients[0], syntheticPrefix: 'smoke-' }, clients[1]]);
    expect(withSyntheticPrefixes(clients, '')).toEqual(clients);
  });

  it('refuses an unknown client and a malformed entry, naming them', () => {
    expect(() => withSyntheticPrefixes(clients, 'smoke-runer=smoke-')).toThrow('names client "smoke-runer", which is not in OAUTH_CLIENTS');
    expect(() => withSyntheticPrefixes(clients, 'smoke-runner')).toThrow('entry "smoke-runner" must be client_id=prefix');
    expect(() => withSyntheticPrefixes(clients, 'smoke-runner=a b')).toThrow('must be client_id=prefix');
  });
});
