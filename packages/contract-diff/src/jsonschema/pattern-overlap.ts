// Whether two `pattern`s can accept the same value, decided by example: strings generated from each
// pattern (randexp) are tried against the other. Regular-expression intersection is not decidable
// cheaply for ECMAScript syntax (lookaround, backreferences), so the answer is three-valued.
import { createRequire } from 'node:module';
import type RandExpModule from 'randexp';

// Loaded on first use (synchronously: the schema walk is synchronous): most diffs change no pattern, and
// the CLI loads only what its input needs. randexp's CommonJS entry is the class itself.
type RandExpClass = typeof RandExpModule.default;
let randExp: RandExpClass | undefined;
const loadRandExp = (): RandExpClass => (randExp ??= createRequire(import.meta.url)('randexp') as RandExpClass);

const SAMPLES = 48;

/** A small deterministic generator (mulberry32): the same contracts always give the same verdict. */
function seeded(seed: number): (a: number, b: number) => number {
  let t = seed >>> 0;
  return (a, b) => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return a + Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * (b - a + 1));
  };
}

function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

/** Strings that `pattern` really accepts (randexp ignores lookaround, so each sample is checked). */
function samples(pattern: RegExp): string[] {
  const gen = new (loadRandExp())(pattern);
  gen.randInt = seeded(0x5eed);
  gen.max = 8;
  const out = new Set<string>();
  for (let i = 0; i < SAMPLES; i++) {
    const s = gen.gen();
    if (pattern.test(s)) out.add(s);
  }
  return [...out];
}

/**
 * `disjoint`: no sample of either pattern matches the other (old callers' values are all refused);
 * `overlap`: some value matches both; `unknown`: a pattern does not compile or yields no sample.
 */
export function patternOverlap(base: string, revision: string): 'disjoint' | 'overlap' | 'unknown' {
  const b = compile(base);
  const r = compile(revision);
  if (!b || !r) return 'unknown';
  const fromBase = samples(b);
  const fromRevision = samples(r);
  if (fromBase.length === 0 || fromRevision.length === 0) return 'unknown';
  return fromBase.some((s) => r.test(s)) || fromRevision.some((s) => b.test(s)) ? 'overlap' : 'disjoint';
}
