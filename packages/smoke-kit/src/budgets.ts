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

/** The first pause of waitWithin; each next one doubles up to its intervalMs. */
export const FIRST_RETRY_MS = 10;

/**
 * Retries `attempt` until it stops throwing and returns its value, like vitest's `vi.waitFor`, for at most
 * the target's budget `name`; then throws a BudgetExceededError quoting the last failure (what it saw).
 * The pauses start at 10 ms and double up to `intervalMs`: what a local target finishes in tens of
 * milliseconds is seen then, not a whole interval later, and a slow one is still asked only every interval.
 */
export async function waitWithin<T>(
  target: Pick<Target, 'budgets'>,
  name: BudgetName,
  what: string,
  attempt: () => T | Promise<T>,
  {
    intervalMs = 100,
    now = () => performance.now(),
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  }: { intervalMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const budgetMs = budgetOf(target, name);
  const started = now();
  let last = 'nothing yet';
  let pause = Math.min(FIRST_RETRY_MS, intervalMs);
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      last = (err as Error).message ?? String(err);
    }
    const waited = Math.round(now() - started);
    if (waited >= budgetMs) throw new BudgetExceededError(what, name, budgetMs, waited, last);
    await sleep(Math.min(pause, Math.max(1, budgetMs - waited)));
    pause = Math.min(pause * 2, intervalMs);
  }
}
