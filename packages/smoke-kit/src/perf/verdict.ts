import type { LatencyResult } from '../latency.js';
import type { LimitName, ResolvedBudget } from './budgets.js';
import type { Measurement } from './stats.js';

/** Measured values: one decimal, no trailing `.0` (`182.4`, `61`). */
const ms = (v: number) => String(Number(v.toFixed(1)));
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** The baseline an overhead budget is compared with: a public operation, or the subgraph called directly. */
export interface Baseline {
  /** Budget id or label as it appears in the sentence and the record, e.g. `getHealth`, `subgraph reports`. */
  id: string;
  measurement: Measurement;
}

/**
 * Applies a resolved budget to what was measured and says, one sentence per broken limit, why it fails:
 * `p95 182.4 ms > 100 ms (contract)`, `p95 overhead 61 ms over getHealth > 50 ms (target)`,
 * `error rate 2.0 % > 0 %` (0 % is the default when no maxErrorRate is set).
 */
export function judge(budget: ResolvedBudget, request: string, m: Measurement, baseline?: Baseline): LatencyResult {
  const { limits, sources } = budget;
  const from = (name: LimitName) => (sources[name] ? ` (${sources[name]})` : '');
  const violations: string[] = [];
  if (m.requests === 0) violations.push('no answer to measure: every request was still pending when the load stopped');
  else {
    if (limits.p95Ms !== undefined && m.p95Ms > limits.p95Ms) violations.push(`p95 ${ms(m.p95Ms)} ms > ${limits.p95Ms} ms${from('p95Ms')}`);
    if (limits.p99Ms !== undefined && m.p99Ms > limits.p99Ms) violations.push(`p99 ${ms(m.p99Ms)} ms > ${limits.p99Ms} ms${from('p99Ms')}`);
    const maxErrorRate = limits.maxErrorRate ?? 0;
    if (m.errorRate > maxErrorRate) violations.push(`error rate ${pct(m.errorRate)} > ${Number((maxErrorRate * 100).toPrecision(6))} %${from('maxErrorRate')}`);
  }
  if (limits.overheadMs !== undefined) {
    if (!baseline) throw new Error(`latency budget ${budget.id}: overheadMs needs a measured baseline`);
    if (baseline.measurement.requests === 0) violations.push(`baseline ${baseline.id} had no answer to compare with`);
    else if (m.requests > 0) {
      const overhead = m.p95Ms - baseline.measurement.p95Ms;
      if (overhead > limits.overheadMs) violations.push(`p95 overhead ${ms(overhead)} ms over ${baseline.id} > ${limits.overheadMs} ms${from('overheadMs')}`);
    }
  }
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(2)) : 0);
  return {
    id: budget.id,
    kind: budget.kind,
    request,
    requests: m.requests,
    errors: m.errors,
    errorRate: Number(m.errorRate.toFixed(4)),
    p50Ms: round(m.p50Ms),
    p95Ms: round(m.p95Ms),
    p99Ms: round(m.p99Ms),
    ...(baseline ? { baseline: { id: baseline.id, p95Ms: round(baseline.measurement.p95Ms) } } : {}),
    budget: { ...limits, source: budget.source },
    verdict: violations.length ? 'fail' : 'pass',
    violations,
  };
}
