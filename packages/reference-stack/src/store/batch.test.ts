import { describe, expect, it } from 'vitest';
import { Batcher, writeEachOnRefusal, type Outcome } from './batch.js';
import { DatabaseUnavailableError } from './db.js';

/** A run that records its batches and finishes when told to. */
function recorder() {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const run = async (items: number[]): Promise<Outcome<number>[]> => {
    batches.push(items);
    await new Promise<void>((r) => release.push(r));
    return items.map((n) => (n < 0 ? { ok: false, error: new Error(`negative ${n}`) } : { ok: true, value: n * 10 }));
  };
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    release.splice(0).forEach((r) => r());
  };
  return { batches, run, settle };
}

describe('Batcher', () => {
  it('runs a lone item at once, and groups what arrives while a run is out into the next run', async () => {
    const { batches, run, settle } = recorder();
    const batcher = new Batcher(run, { maxSize: 10, concurrency: 1 });
    const first = batcher.add(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    expect(batcher.waiting).toBe(3);
    await settle(); // the first run ends; the next one takes all three
    expect(await first).toBe(10);
    await settle();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a run at maxSize and runs up to `concurrency` at once', async () => {
    const { batches, run, settle } = recorder();
    const batcher = new Batcher(run, { maxSize: 2, concurrency: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2], [3, 4]]);
    for (let i = 0; i < 3; i++) await settle();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails only the item its outcome fails, and every item of a run that throws', async () => {
    const { run, settle } = recorder();
    const batcher = new Batcher(run);
    const [good, bad] = [batcher.add(1), batcher.add(-1)];
    await settle();
    expect(await good).toBe(10);
    await expect(bad).rejects.toThrow('negative -1');

    const broken = new Batcher<number, number>(async () => {
      throw new Error('database away');
    });
    const results = await Promise.allSettled([broken.add(1), broken.add(2)]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['database away', 'database away']);
  });

  it('rejects a run that answers the wrong number of outcomes instead of leaving items hanging', async () => {
    const batcher = new Batcher<number, number>(async () => [{ ok: true, value: 1 }]);
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow('1 outcomes for 2 items');
  });
});

describe('writeEachOnRefusal (one statement per batch, one per item when the database refuses it)', () => {
  // A "statement" the database refuses when it holds a negative number.
  const writes: number[][] = [];
  const write = async (items: number[]) => {
    writes.push(items);
    if (items.some((n) => n < 0)) throw new Error(`refused ${items.filter((n) => n < 0).join(',')}`);
    return items.map((n) => n * 10);
  };

  it('writes a good batch with one statement', async () => {
    writes.length = 0;
    expect(await writeEachOnRefusal([1, 2, 3], write)).toEqual([1, 2, 3].map((n) => ({ ok: true, value: n * 10 })));
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('fails only the refused item: the others are written one by one', async () => {
    writes.length = 0;
    const outcomes = await writeEachOnRefusal([1, -2, 3], write);
    expect(outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message))).toEqual([10, 'refused -2', 30]);
    expect(writes).toEqual([[1, -2, 3], [1], [-2], [3]]);
  });

  it('fails the whole batch at once when the database is down', async () => {
    const down = async () => {
      throw new DatabaseUnavailableError(new Error('ECONNREFUSED'));
    };
    await expect(writeEachOnRefusal([1, 2], down)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
