import { PermanentError, type Broker } from '@cleanapp/events/node';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../faults.js';
import { withWorkerFaults } from './workers.js';

type Handler = (payload: unknown, info: unknown) => Promise<void>;

function fakeBroker() {
  const consumed = new Map<string, Handler>();
  const broker = { consume: async (queue: string, _key: string, handler: Handler) => void consumed.set(queue, handler) } as unknown as Broker;
  return { broker, consumed };
}

describe('worker faults, applied to the broker the workers consume through', () => {
  it('none: the same broker', () => {
    const { broker } = fakeBroker();
    expect(withWorkerFaults(broker, parseFaults('no-pong'))).toBe(broker);
  });

  it('renderer-not-consuming: the renderer queue gets no consumer, the analysis queue does', async () => {
    const { broker, consumed } = fakeBroker();
    const faulty = withWorkerFaults(broker, parseFaults('renderer-not-consuming'));
    await faulty.consume('report-renderer-queue', 'report.analysed', async () => undefined);
    await faulty.consume('report-analysis-queue', 'report.raw', async () => undefined);
    expect([...consumed.keys()]).toEqual(['report-analysis-queue']);
  });

  it('analyzer-dead-letters: every other report.raw is refused permanently, the rest reach the handler', async () => {
    const { broker, consumed } = fakeBroker();
    const seen: unknown[] = [];
    await withWorkerFaults(broker, parseFaults('analyzer-dead-letters')).consume('report-analysis-queue', 'report.raw', async (p) => void seen.push(p));
    const handler = consumed.get('report-analysis-queue')!;
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => handler(n, {}).then(() => 'ok', (e: unknown) => (e instanceof PermanentError ? 'refused' : 'other'))));
    expect(outcomes).toEqual(['refused', 'ok', 'refused', 'ok']);
    expect(seen).toEqual([2, 4]);
  });

  it('failed-unmarked: onDeadLetter still hears why, but not which report', async () => {
    let options: { onDeadLetter?: (...args: unknown[]) => unknown } = {};
    const broker = { consume: async (_q: string, _k: string, _h: Handler, o: typeof options) => void (options = o) } as unknown as Broker;
    const heard: unknown[][] = [];
    await withWorkerFaults(broker, parseFaults('failed-unmarked')).consume('report-renderer-queue', 'report.analysed', async () => undefined, { onDeadLetter: (...args) => void heard.push(args) });
    await options.onDeadLetter?.('why', { attempt: 0 }, { public_id: 'rpt_AAAAAAAAAAAA' });
    expect(heard).toEqual([['why', { attempt: 0 }]]);
  });
});
