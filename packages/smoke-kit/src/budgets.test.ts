import { describe, expect, it } from 'vitest';
import { budgetOf, BudgetExceededError, DEFAULT_BUDGETS, longestBudget, waitWithin } from './budgets.js';

describe('budgets', () => {
  it('come from the target, else the defaults', () => {
    expect(budgetOf({}, 'pushMs')).toBe(DEFAULT_BUDGETS.pushMs);
    expect(budgetOf({ budgets: { pushMs: 45_000 } }, 'pushMs')).toBe(45_000);
    expect(budgetOf({ budgets: { pushMs: 45_000 } }, 'readMs')).toBe(DEFAULT_BUDGETS.readMs);
    expect(longestBudget({ budgets: { renderMs: 60_000 } })).toBe(60_000);
  });
});

describe('waitWithin', () => {
  it('returns as soon as the attempt stops throwing', async () => {
    let calls = 0;
    const value = await waitWithin({ budgets: { readMs: 2000 } }, 'readMs', 'the report', () => {
      calls += 1;
      if (calls < 3) throw new Error(`404 (attempt ${calls})`);
      return 'found';
    }, { intervalMs: 5 });
    expect([value, calls]).toEqual(['found', 3]);
  });

  it('past the budget says how long it waited, which budget and what it saw last', async () => {
    let calls = 0;
    const started = performance.now();
    const err = await waitWithin({ budgets: { pipelineMs: 150 } }, 'pipelineMs', 'report.analysed for rpt_x', () => {
      calls += 1;
      throw new Error(`saw ${calls} messages, none for rpt_x`);
    }, { intervalMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    const e = err as BudgetExceededError;
    expect(e.waitedMs).toBeGreaterThanOrEqual(150);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(e.message).toBe(`report.analysed for rpt_x: not within 150 ms (waited ${e.waitedMs} ms, budgets.pipelineMs of the target); last seen: saw ${calls} messages, none for rpt_x`);
  });

  it('pauses 10 ms first, doubling up to intervalMs, and never past the budget', async () => {
    let t = 0;
    const pauses: number[] = [];
    const err = await waitWithin({ budgets: { readMs: 500 } }, 'readMs', 'the report', () => {
      throw new Error('404');
    }, { intervalMs: 100, now: () => t, sleep: async (ms) => {
      pauses.push(ms);
      t += ms;
    } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    // 10+20+40+80+100+100+100 = 450; the last pause only fills the 50 ms left of the budget.
    expect(pauses).toEqual([10, 20, 40, 80, 100, 100, 100, 50]);
  });

  it('uses the default budget when the target sets none', async () => {
    let t = 0;
    const err = (await waitWithin({}, 'renderMs', 'the card', () => {
      throw new Error('404');
    }, { intervalMs: 1, now: () => (t += 2500) }).catch((e: unknown) => e)) as BudgetExceededError;
    expect([err.budgetMs, err.waitedMs >= DEFAULT_BUDGETS.renderMs]).toEqual([DEFAULT_BUDGETS.renderMs, true]);
  });
});
