import { describe, expect, it } from 'vitest';
import { DocumentSet, type Json } from '../refs.js';
import { Equivalence } from './values.js';

const B = 'file:///base.json';
const R = 'file:///revision.json';
/** Equivalence of the two documents' `root` schemas, each resolved in its own document. */
const same = (base: Record<string, Json>, revision: Record<string, Json>): boolean =>
  new Equivalence(new DocumentSet([[B, base]]), new DocumentSet([[R, revision]])).same(base.root, B, revision.root, R);
const doc = (root: Json, schemas: Record<string, Json> = {}): Record<string, Json> => ({ root, components: { schemas } });
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

describe('Equivalence (which schema pairs the differ may skip)', () => {
  it('equal values are the same whatever the key order; any difference is not', () => {
    expect(same(doc({ type: 'object', required: ['a'] }), doc({ required: ['a'], type: 'object' }))).toBe(true);
    expect(same(doc({ type: 'object', required: ['a'] }), doc({ type: 'object', required: ['a', 'b'] }))).toBe(false);
    expect(same(doc({ enum: [1, 2] }), doc({ enum: [2, 1] }))).toBe(false);
  });

  it('the same ref text is the same only when the targets are', () => {
    expect(same(doc(ref('A'), { A: { type: 'string' } }), doc(ref('A'), { A: { type: 'string' } }))).toBe(true);
    expect(same(doc(ref('A'), { A: { type: 'string' } }), doc(ref('A'), { A: { type: 'integer' } }))).toBe(false);
    // Deeper: a ref inside a ref'd schema whose target changed.
    const outer = { type: 'object', properties: { inner: ref('B') } };
    expect(same(doc(ref('A'), { A: outer, B: { maxLength: 5 } }), doc(ref('A'), { A: outer, B: { maxLength: 4 } }))).toBe(false);
    // Different ref text is left to the full comparison.
    expect(same(doc(ref('A'), { A: { type: 'string' } }), doc(ref('C'), { C: { type: 'string' } }))).toBe(false);
  });

  it('recursive schemas: equal ones are the same, a change anywhere in the cycle is found', () => {
    const node = (max: number): Json => ({ type: 'object', properties: { next: ref('Node'), n: { maximum: max } } });
    expect(same(doc(ref('Node'), { Node: node(1) }), doc(ref('Node'), { Node: node(1) }))).toBe(true);
    expect(same(doc(ref('Node'), { Node: node(1) }), doc(ref('Node'), { Node: node(2) }))).toBe(false);
  });

  it('dangling refs on both sides are the same; an unreadable file ref is not claimed the same', () => {
    expect(same(doc(ref('Missing')), doc(ref('Missing')))).toBe(true);
    const file = { $ref: './absent-schema.json' };
    expect(same(doc(file), doc(file))).toBe(false);
  });
});
