// The workers' deliberate faults (src/faults.ts), applied to the broker the workers are given: the
// production handlers stay as they are, the broker they consume through is changed.
import { PermanentError, type Broker } from '@cleanapp/events/node';
import type { Fault, Faults } from '../faults.js';

type Consume = Broker['consume'];
type WorkerFault = (consume: Consume) => Consume;

const WORKER_FAULTS: Partial<Record<Fault, WorkerFault>> = {
  // The queue stays declared (broker.start() declares the topology) but nobody consumes it.
  'renderer-not-consuming': (consume) => async (queue, key, handler, options) => (queue === 'report-renderer-queue' ? undefined : consume(queue, key, handler, options)),
  // Every other report.raw is refused permanently: the DLQ grows by real reports, which end `failed`.
  'analyzer-dead-letters': (consume) => async (queue, key, handler, options) => {
    if (queue !== 'report-analysis-queue') return consume(queue, key, handler, options);
    let received = 0;
    return consume(queue, key, async (payload, info) => {
      received += 1;
      if (received % 2 === 1) throw new PermanentError('fault analyzer-dead-letters: refused');
      return handler(payload, info);
    }, options);
  },
  // The consumers' onDeadLetter no longer learns which report gave up, so nothing marks it failed.
  'failed-unmarked': (consume) => async (queue, key, handler, options) => consume(queue, key, handler, { ...options, onDeadLetter: (reason, info) => options?.onDeadLetter?.(reason, info) }),
};

/** The broker the workers consume through, with the given faults applied (the same broker for none). */
export function withWorkerFaults(broker: Broker, faults: Faults): Broker {
  const wrappers = [...faults].map((f) => WORKER_FAULTS[f]).filter((w): w is WorkerFault => !!w);
  if (wrappers.length === 0) return broker;
  const faulty = Object.create(broker) as Broker;
  faulty.consume = wrappers.reduce((consume, wrap) => wrap(consume), broker.consume.bind(broker) as Consume);
  return faulty;
}
