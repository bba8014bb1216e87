import { describe, expect, it } from 'vitest';
import { canonicalJson, randomId, sha256 } from './ids.js';

describe('ids', () => {
  it('makes ids that match the contract patterns and do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => randomId('rpt')));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^rpt_[A-Za-z0-9]{12}$/);
    expect(randomId('rcp')).toMatch(/^rcp_[A-Za-z0-9]{12}$/);
  });

  it('hashes equal content equally whatever the key order, and different content differently', () => {
    const a = sha256(canonicalJson({ latitude: 1, longitude: 2, tags: ['a', 'b'], nested: { x: 1, y: 2 } }));
    const b = sha256(canonicalJson({ nested: { y: 2, x: 1 }, tags: ['a', 'b'], longitude: 2, latitude: 1 }));
    const c = sha256(canonicalJson({ latitude: 1, longitude: 2, tags: ['b', 'a'], nested: { x: 1, y: 2 } }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
