import type { LatencyStats } from '../latency.js';

/** What one load run measured, before any budget is applied. */
export interface Measurement extends LatencyStats {
  /** Answered requests per second over the measured window. */
  throughput: number;
  /** Status code → count (transport errors as `error`). */
  statuses: Record<string, number>;
}

/**
 * The p-th percentile (0 < p ≤ 100) of ascending `sorted` by the nearest-rank method: the smallest
 * value with at least p % of the values at or below it. It is always a latency that was measured
 * (no interpolation), so "p95 = 12.3 ms" means 95 % of the requests took 12.3 ms or less.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Summarises one run: percentiles over the latencies of every answer (errors included: a fast 503 is
 * still the time the caller waited), counts over answers and transport errors.
 */
export function summarize(latenciesMs: readonly number[], statuses: Record<string, number>, seconds: number): Measurement {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  const errors = Object.entries(statuses).reduce((n, [code, count]) => (/^2\d\d$/.test(code) ? n : n + count), 0);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    throughput: seconds > 0 ? sorted.length / seconds : 0,
    statuses,
  };
}
