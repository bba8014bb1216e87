// OAUTH_PUBLIC_CLIENTS and OAUTH_USERS: what a container's issuer is configured with, and the clear errors for a typo.
import { describe, expect, it } from 'vitest';
import { checkPublicClients, parsePublicClients, parseUsers, userSubject } from './public-clients.js';

describe('parsePublicClients', () => {
  it('reads id|redirect URIs|scopes entries', () => {
    expect(parsePublicClients(' web|http://localhost:5173/callback https://app.example/cb|report:submit report:read, ios|com.cleanapp.ios:/oauth|report:read ')).toEqual([
      { clientId: 'web', redirectUris: ['http://localhost:5173/callback', 'https://app.example/cb'], scopes: ['report:submit', 'report:read'] },
      { clientId: 'ios', redirectUris: ['com.cleanapp.ios:/oauth'], scopes: ['report:read'] },
    ]);
    expect(parsePublicClients('')).toEqual([]);
  });

  it('refuses an entry without its three fields', () => {
    expect(() => parsePublicClients('web|http://localhost:5173/callback')).toThrow('OAUTH_PUBLIC_CLIENTS entry "web|http://localhost:5173/callback" must be id|redirect_uri');
    expect(() => parsePublicClients('web|a|b|c')).toThrow('must be id|redirect_uri');
  });
});

describe('parseUsers', () => {
  it('reads username:password entries; a password may contain a colon', () => {
    expect(parseUsers('citizen:pa:ss-word-1, ada:another-password')).toEqual([
      { username: 'citizen', password: 'pa:ss-word-1' },
      { username: 'ada', password: 'another-password' },
    ]);
  });

  it('refuses an entry without a password, and does not echo the password of a bad entry', () => {
    expect(() => parseUsers('citizen')).toThrow('OAUTH_USERS entry "citizen" must be username:password');
    expect(() => parseUsers(':secret-value')).toThrow('entry ":***" must be');
  });
});

describe('checkPublicClients', () => {
  const web = { clientId: 'web', redirectUris: ['http://localhost:5173/callback'], scopes: ['report:read'] };
  it('accepts a valid configuration', () => {
    expect(() => checkPublicClients([web], [{ username: 'citizen', password: 'long-enough' }], ['smoke-runner'])).not.toThrow();
  });

  it.each([
    [[{ ...web, redirectUris: [] }], [], 'needs at least one redirect URI'],
    [[{ ...web, redirectUris: ['javascript:alert(1)'] }], [], 'must be http:, https: or a reverse-domain scheme'],
    [[{ ...web, scopes: [] }], [], 'needs at least one scope'],
    [[web, web], [], 'public client id "web" is already a client id'],
    [[], [{ username: 'a b', password: 'long-enough' }], 'username "a b" must be'],
    [[], [{ username: 'ada', password: 'short' }], 'the password of "ada" must have at least 8 characters'],
    [[], [{ username: 'ada', password: 'long-enough' }, { username: 'ada', password: 'long-enough' }], 'username "ada" is listed twice'],
  ])('refuses %j / %j', (clients, users, message) => {
    expect(() => checkPublicClients(clients, users, [])).toThrow(message);
  });

  it('gives users a subject no client id can have', () => {
    expect(userSubject('smoke-runner')).toBe('user:smoke-runner');
  });
});
