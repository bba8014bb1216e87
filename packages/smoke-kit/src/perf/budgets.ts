import type { LatencyBudget, LatencyBudgetSpec, TargetLatency } from '@cleanapp/contracts';

/** Where a limit came from: the contract's `x-cleanapp-latency`, or the target's `latency.budgets` override. */
export type LimitSource = 'contract' | 'target';

const LIMITS = ['p95Ms', 'p99Ms', 'overheadMs', 'maxErrorRate'] as const;
export type LimitName = (typeof LIMITS)[number];

/** A contract budget after the target's overrides, each limit with its source. */
export interface ResolvedBudget extends Omit<LatencyBudgetSpec, 'limits'> {
  limits: LatencyBudget;
  sources: Partial<Record<LimitName, LimitSource>>;
  /** `contract`, `target` or `contract+target`: where the applied limits came from, all together. */
  source: 'contract' | 'target' | 'contract+target';
}

/** How the perf suite loads one operation (target `latency`, else these defaults). */
export interface LoadSettings {
  rate: number;
  maxRequests: number;
  maxSeconds: number;
  connections: number;
}

export const DEFAULT_LOAD: LoadSettings = { rate: 200, maxRequests: 200, maxSeconds: 10, connections: 4 };

export const loadSettings = (latency: TargetLatency | undefined): LoadSettings => ({
  rate: latency?.rate ?? DEFAULT_LOAD.rate,
  maxRequests: latency?.maxRequests ?? DEFAULT_LOAD.maxRequests,
  maxSeconds: latency?.maxSeconds ?? DEFAULT_LOAD.maxSeconds,
  connections: latency?.connections ?? DEFAULT_LOAD.connections,
});

/**
 * The contract's budgets with the target's `latency.budgets` applied limit by limit (a target sets
 * what its environment can promise; what it leaves out stays the contract's). An override for a budget
 * id the contract does not have, or an `overheadMs` for a budget without a baseline, is a mistake in
 * the target file and throws naming the field.
 */
export function resolveBudgets(specs: LatencyBudgetSpec[], latency: TargetLatency | undefined): ResolvedBudget[] {
  const overrides = latency?.budgets ?? {};
  const ids = new Set(specs.map((s) => s.id));
  for (const id of Object.keys(overrides)) {
    if (!ids.has(id)) throw new Error(`target latency.budgets.${id}: the contract has no latency budget \`${id}\` (budgets: ${[...ids].join(', ')})`);
  }
  return specs.map(({ limits: contract, ...spec }) => {
    const override = overrides[spec.id] ?? {};
    if (override.overheadMs !== undefined && spec.kind === 'rest' && !spec.baseline) {
      throw new Error(`target latency.budgets.${spec.id}.overheadMs: \`${spec.id}\` has no baseline in the contract to be compared with`);
    }
    const limits: LatencyBudget = {};
    const sources: ResolvedBudget['sources'] = {};
    for (const name of LIMITS) {
      const value = override[name] ?? contract[name];
      if (value === undefined) continue;
      limits[name] = value;
      sources[name] = override[name] !== undefined ? 'target' : 'contract';
    }
    const used = new Set(Object.values(sources));
    const source = used.size === 2 ? 'contract+target' : used.has('target') ? 'target' : 'contract';
    return { ...spec, limits, sources, source };
  });
}
