import type { Target } from './target.js';

/** The time budgets of `budgets` in the target file (milliseconds). */
export type BudgetName = 'readMs' | 'pipelineMs' | 'renderMs' | 'pushMs';

/** Defaults (the schema's `default`s): they fit the reference stack; slower environments raise them. */
export const DEFAULT_BUDGETS: Readonly<Record<BudgetName, number>> = { readMs: 10_000, pipelineMs: 10_000, renderMs: 10_000, pushMs: 10_000 };

/** The target's budget `name`, else its default. */
export function budgetOf(target: Pick<Target, 'budgets'>, name: BudgetName): number {
  return target.budgets?.[name] ?? DEFAULT_BUDGETS[name];
}

/** The longest budget of the target: the runner's per-check timeout must leave room for it. */
export function longestBudget(target: Pick<Target, 'budgets'>): number {
  return Math.max(...(Object.keys(DEFAULT_BUDGETS) as BudgetName[]).map((n) => budgetOf(target, n)));
}

/** A wait that ran out of its budget: how long it waited, which budget, what it saw last. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  constructor(
    readonly what: string,
    readonly budget: BudgetName,
    readonly budgetMs: number,
    readonly waitedMs: number,
    readonly lastSeen: string,
  ) {
    super(`${what}: not within ${budgetMs} ms (waited ${waitedMs} ms, budgets.${budget} of the target); last seen: ${lastSeen}`);
  }
}

/**
 * Retries `attempt` until it stops throwing and returns its value, like vitest's `vi.waitFor`, for at most
 * the target's budget `name`; then throws a BudgetExceededError quoting the last failure (what it saw).
 */
export async function waitWithin<T>(
  target: Pick<Target, 'budgets'>,
  name: BudgetName,
  what: string,
  attempt: () => T | Promise<T>,
  { intervalMs = 100, now = () => performance.now() }: { intervalMs?: number; now?: () => number } = {},
): Promise<T> {
  const budgetMs = budgetOf(target, name);
  const started = now();
  let last = 'nothing yet';
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      last = (err as Error).message ?? String(err);
    }
    const waited = Math.round(now() - started);
    if (waited >= budgetMs) throw new BudgetExceededError(what, name, budgetMs, waited, last);
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(1, budgetMs - waited))));
  }
}
