import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('is the smallest measured value with at least p % at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    // 20 values: rank ceil(0.95 * 20) = 19; 7 values: rank ceil(6.65) = 7 (the maximum)
    expect(percentile(hundred.slice(0, 20), 95)).toBe(19);
    expect(percentile([1, 2, 3, 4, 5, 6, 7], 95)).toBe(7);
  });

  it('never interpolates, and is NaN without values', () => {
    expect(percentile([1.5, 100.25], 50)).toBe(1.5);
    expect(percentile([], 95)).toBeNaN();
  });
});

describe('summarize', () => {
  it('counts non-2xx answers and transport errors as errors, percentiles over every answer in any order', () => {
    const latencies = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
    const m = summarize(latencies, { 200: 7, 204: 1, 503: 2, error: 2 }, 2);
    expect(m).toMatchObject({ requests: 12, errors: 4, p50Ms: 5, p95Ms: 100, p99Ms: 100, throughput: 5 });
    expect(m.errorRate).toBeCloseTo(4 / 12);
  });

  it('an empty run has no error rate to speak of and NaN percentiles', () => {
    expect(summarize([], {}, 1)).toMatchObject({ requests: 0, errors: 0, errorRate: 0, p95Ms: Number.NaN });
  });
});
