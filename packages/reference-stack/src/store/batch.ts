import { DatabaseUnavailableError } from './db.js';

/** One item's outcome in a batch: a value, or an error that fails this item only. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Writes `items` with one statement (`write` answers one value per item, in order). When the database
 * refuses the statement, each item is written alone, so the item it refused fails by itself and the others
 * go through. A database that is down fails the whole batch at once (alone they would fail the same way).
 */
export async function writeEachOnRefusal<I, O>(items: I[], write: (items: I[]) => Promise<O[]>): Promise<Outcome<O>[]> {
  if (items.length === 0) return [];
  try {
    return (await write(items)).map((value) => ({ ok: true, value }));
  } catch (error) {
    if (items.length === 1 || error instanceof DatabaseUnavailableError) throw error;
    return Promise.all(
      items.map((item) =>
        write([item]).then(
          ([value]): Outcome<O> => ({ ok: true, value: value as O }),
          (e: unknown): Outcome<O> => ({ ok: false, error: e }),
        ),
      ),
    );
  }
}

export interface BatcherOptions {
  /** Most items one run gets (default 64). */
  maxSize?: number;
  /** Runs in flight at once (default 1). */
  concurrency?: number;
}

/**
 * Groups concurrent calls into batches without a timer: an item added while fewer than `concurrency`
 * runs are in flight starts a run at the end of the current turn (with whatever else was added in that
 * turn); items added while runs are busy wait and go together into the next run. At low load every item
 * runs alone and at once (no added latency); under load the batches grow by themselves, so one
 * statement or one publish round carries many items.
 *
 * `run` answers one outcome per item, in order; if it throws, every item of that run fails with it.
 */
export class Batcher<I, O> {
  private readonly queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<Outcome<O>[]>,
    private readonly options: BatcherOptions = {},
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a run (not those being run). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= (this.options.concurrency ?? 1) || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets the deliveries of one socket read all arrive before the run.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= (this.options.concurrency ?? 1) || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxSize ?? 64);
    this.inFlight++;
    this.schedule(); // a second run may start on what is left, up to `concurrency`
    try {
      const outcomes = await this.run(batch.map((b) => b.item));
      if (outcomes.length !== batch.length) throw new Error(`batch run answered ${outcomes.length} outcomes for ${batch.length} items`);
      outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
