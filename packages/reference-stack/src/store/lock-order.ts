// One lock order for every batch statement that writes several reports rows (tested by lock-order.int.test.ts).

/**
 * A `locked` CTE: the reports rows whose public_id `ids` (a SELECT) names, locked in public_id order.
 * Batch statements that write several reports rows each (the relay's marks, the analyzer's and the
 * renderer's records, the deletion of synthetic reports) run concurrently on overlapping rows; locked in
 * whatever order the plan takes, two of them deadlock, and PostgreSQL notices only after
 * deadlock_timeout (1 s) and aborts one.
 * One order for all of them makes that impossible. (LockRows runs above the sort, so the locks are
 * taken in that order.)
 */
export const lockReportsInOrder = (ids: string) =>
  `locked as (select public_id from reports where public_id in (${ids}) order by public_id for no key update)`;
