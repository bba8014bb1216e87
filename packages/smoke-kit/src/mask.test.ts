import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, mask, maskDeep, registerSecret } from './mask.js';

afterEach(() => clearSecrets());

describe('mask', () => {
  it('replaces registered secrets and their URL/base64 encodings', () => {
    registerSecret('p@ss w0rd!');
    expect(mask('secret=p@ss w0rd! enc=p%40ss%20w0rd! b64=cEBzcyB3MHJkIQ==')).toBe('secret=*** enc=*** b64=***');
  });

  it('ignores secrets too short to mask safely and undefined', () => {
    registerSecret('ab');
    registerSecret(undefined);
    expect(mask('ab cab')).toBe('ab cab');
  });

  it('masks bearer and basic credentials, JWTs and token fields even when not registered', () => {
    expect(mask('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer ***');
    expect(mask('authorization: Basic c21va2U6c2VjcmV0')).toBe('authorization: Basic ***');
    expect(mask('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here')).toBe('token *** here');
    expect(mask('{"access_token":"opaque","client_secret":"x"}')).toBe('{"access_token":"***","client_secret":"***"}');
    expect(mask('grant_type=client_credentials&client_secret=abc&scope=a')).toBe('grant_type=client_credentials&client_secret=***&scope=a');
    expect(mask('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
  });

  it('leaves prose, URLs without credentials and already masked values alone', () => {
    for (const text of ['a valid bearer token is required', 'http://127.0.0.1:43123/api/v4/health', 'Bearer ***', 'Basic realm="token"']) {
      expect(mask(text)).toBe(text);
    }
  });

  it('maskDeep masks every string in a structure', () => {
    registerSecret('top-secret');
    expect(maskDeep({ a: ['x top-secret y', 1], b: { c: 'Bearer zz-999999' }, d: null })).toEqual({ a: ['x *** y', 1], b: { c: 'Bearer ***' }, d: null });
  });
});
