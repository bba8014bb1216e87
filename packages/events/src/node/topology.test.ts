import { describe, expect, it } from 'vitest';
import { topologyFromContract } from './topology.js';

describe('topologyFromContract', () => {
  it('reads the canonical names, bindings, DLQs and retry queues from the AsyncAPI contract', () => {
    const t = topologyFromContract();
    expect(t.exchange).toEqual({ name: 'cleanapp-exchange', type: 'direct' });
    expect(t.deadLetterExchange.name).toBe('cleanapp-dlx');
    expect(t.queues.map((q) => [q.name, q.routingKey])).toEqual([
      ['report-analysis-queue', 'report.raw'],
      ['report-renderer-queue', 'report.analysed'],
    ]);
    // The hub's feed is per instance (every replica gets every event), not a shared work queue.
    expect(t.subscriptions).toEqual([{ canonical: 'report-notify-queue', name: 'report-notify-queue', routingKey: 'report.rendered' }]);
    expect(t.queues[0]).toMatchObject({
      dlq: 'report-analysis-queue.dlq',
      retryExchange: 'cleanapp-retry.report-analysis-queue',
      retryQueue: 'report-analysis-queue.retry',
    });
    expect(t.routingKeys).toEqual(['report.raw', 'report.analysed', 'report.rendered']);
    expect(t.retry.countHeader).toBe('x-retry-count');
  });

  it("maps names for an environment (CleanApp's CI names) and prefixes throwaway stacks", () => {
    const t = topologyFromContract({ environment: 'ci', prefix: 't-1.' });
    expect(t.exchange.name).toBe('t-1.cleanapp');
    expect(t.queues[0]).toMatchObject({ name: 't-1.report-analyze', dlq: 't-1.report-analyze.dlq', retryExchange: 't-1.cleanapp-retry.report-analyze' });
    expect(t.subscriptions[0]!.name).toBe('t-1.report-notify');
  });

  it('names the known environments when asked for an unknown one', () => {
    expect(() => topologyFromContract({ environment: 'prod' })).toThrow('Unknown environment "prod" for broker names; the contract maps: ci');
  });
});
