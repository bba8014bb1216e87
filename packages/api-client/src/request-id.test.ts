import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatUuidV4, generateRequestId } from './request-id.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const realCrypto = globalThis.crypto;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function expectUniqueV4s(): void {
  const ids = Array.from({ length: 2000 }, () => generateRequestId());
  for (const id of ids) expect(id).toMatch(V4);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('generateRequestId', () => {
  it('uses crypto.randomUUID where it exists', () => {
    const randomUUID = vi.fn(() => '0b6e2f5c-8a47-4d4f-9b1e-2f6a9c3d7e10' as const);
    vi.stubGlobal('crypto', { randomUUID, getRandomValues: realCrypto.getRandomValues.bind(realCrypto) });
    expect(generateRequestId()).toBe('0b6e2f5c-8a47-4d4f-9b1e-2f6a9c3d7e10');
    expect(randomUUID).toHaveBeenCalledOnce();
  });

  it('builds a v4 UUID from getRandomValues when randomUUID is missing (browsers on plain-http pages)', () => {
    const getRandomValues = vi.fn((a: Uint8Array) => realCrypto.getRandomValues(a));
    vi.stubGlobal('crypto', { getRandomValues });
    expectUniqueV4s();
    expect(getRandomValues).toHaveBeenCalledTimes(2000);
  });

  it('falls back to Math.random without any crypto (Hermes) instead of throwing', () => {
    vi.stubGlobal('crypto', undefined);
    const random = vi.spyOn(Math, 'random');
    expectUniqueV4s();
    expect(random).toHaveBeenCalled();
  });

  it('sets the version and variant bits whatever the random bytes are', () => {
    expect(formatUuidV4(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(formatUuidV4(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
  });
});
