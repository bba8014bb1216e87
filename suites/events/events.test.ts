import { createHash } from 'node:crypto';
import { loadAsyncApi } from '@cleanapp/contracts';
import { brokerName, expectContract, openTap, recordFacts, suiteContext, waitWithin } from '@cleanapp/smoke-kit';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();

interface QueueChannel {
  address: string;
  'x-cleanapp-binds-to'?: string;
  'x-cleanapp-per-instance'?: boolean;
  bindings?: { amqp?: { is?: string } };
}
// The topology as the contract declares it: every queue channel and the routing key it is bound to.
const contract = loadAsyncApi() as { channels: Record<string, QueueChannel>; 'x-cleanapp-topology': { deadLetterExchange: { name: string }; retry: { queueSuffix: string; dlqSuffix: string } } };
// Per-instance subscriptions (each hub's own exclusive queue) have no fixed name to check; the websocket suite sees them work.
const queues = Object.values(contract.channels).filter((c) => c.bindings?.amqp?.is === 'queue' && !c['x-cleanapp-per-instance']);
const { retry, deadLetterExchange } = contract['x-cleanapp-topology'];

/** Deliberate poison probes of any smoke run (invalid on purpose, expected in a DLQ). */
const PROBE_PREFIX = 'smoke-poison-';
/** DLQ messages looked at per queue; beyond that the growth is counted from the first ones only (noted in the summary). */
const PEEK_MAX = 2000;
const limits = ctx.target.amqp?.queueLimits ?? {};
const maxDlqGrowth = limits.maxDlqGrowth ?? 0;

interface QueueState {
  depth: number;
  consumers: number;
  dlqDepth: number | null;
  retryDepth: number | null;
}
interface DlqPeek {
  /** Non-probe messages by identity (messageId, else a hash of the body): a count each. */
  others: Map<string, number>;
  /** public_id of every non-probe message whose body names a report. */
  publicIds: string[];
  truncated: boolean;
}

describe.skipIf(!ctx.target.amqp)(ctx.target.amqp ? 'broker' : 'broker (skipped: the target has no amqp section)', () => {
  let conn: ChannelModel;
  let tap: Awaited<ReturnType<typeof openTap>>;
  const poisonId = `${PROBE_PREFIX}${ctx.runId}`;
  const start = new Map<string, { state: QueueState | null; dlq: DlqPeek | null }>();
  /** Receipts of the reports this suite submitted, by public_id. */
  const ours = new Map<string, string>();

  /** On a channel of its own: a failed passive declare (404) closes the channel, not the connection. */
  async function onChannel<T>(use: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    try {
      return await use(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
  /** Read-only: a passive declare (checkQueue), never a declaration; null when the queue does not exist. */
  const depthOf = (name: string) => onChannel((ch) => ch.checkQueue(name)).catch(() => null);

  async function measure(canonical: string): Promise<QueueState | null> {
    const name = brokerName(ctx.target, canonical);
    const work = await depthOf(name);
    if (!work) return null;
    const [dlq, retried] = [await depthOf(`${name}${retry.dlqSuffix}`), await depthOf(`${name}${retry.queueSuffix}`)];
    return { depth: work.messageCount, consumers: work.consumerCount, dlqDepth: dlq?.messageCount ?? null, retryDepth: retried?.messageCount ?? null };
  }

  /**
   * Looks through a DLQ without taking anything: every message is fetched unacknowledged (so the next get
   * moves on) and put back afterwards; `take` says which ones are ours to remove.
   */
  async function throughDlq(dlq: string, take: (msg: GetMessage) => boolean = () => false): Promise<DlqPeek | null> {
    return onChannel(async (ch) => {
      const seen: DlqPeek = { others: new Map(), publicIds: [], truncated: false };
      const held: GetMessage[] = [];
      try {
        for (let msg = await ch.get(dlq, { noAck: false }); msg; msg = held.length < PEEK_MAX ? await ch.get(dlq, { noAck: false }) : false) {
          if (take(msg)) {
            ch.ack(msg);
            continue;
          }
          held.push(msg);
          const id = msg.properties.messageId as string | undefined;
          if (id?.startsWith(PROBE_PREFIX)) continue;
          const key = id ?? createHash('sha256').update(msg.content).digest('hex');
          seen.others.set(key, (seen.others.get(key) ?? 0) + 1);
          try {
            const publicId = (JSON.parse(msg.content.toString('utf8')) as { public_id?: unknown }).public_id;
            if (typeof publicId === 'string') seen.publicIds.push(publicId);
          } catch {
            // not JSON: poison of someone else's; counted, names no report
          }
        }
        seen.truncated = held.length >= PEEK_MAX;
      } finally {
        for (const msg of held) ch.nack(msg, false, true);
      }
      return seen;
    }).catch(() => null);
  }

  const dlqName = (canonical: string) => `${brokerName(ctx.target, canonical)}${retry.dlqSuffix}`;

  beforeAll(async () => {
    conn = await connect(ctx.target.amqp!.url, { timeout: 5000 });
    tap = await openTap(ctx.target, ['report.raw', 'report.analysed', 'report.rendered']);
    for (const q of queues) start.set(q.address, { state: await measure(q.address), dlq: await throughDlq(dlqName(q.address)) });
  });
  afterAll(async () => {
    await tap?.close();
    await conn?.close().catch(() => undefined);
  });

  it('the exchange and the dead-letter exchange exist', async () => {
    for (const name of [brokerName(ctx.target, 'cleanapp-exchange'), brokerName(ctx.target, deadLetterExchange.name)]) {
      await expect(onChannel((ch) => ch.checkExchange(name)), `exchange ${name}`).resolves.toBeTruthy();
    }
  });

  it.each(queues.map((q) => [q.address, q['x-cleanapp-binds-to']] as const))('queue %s (for %s) exists with a consumer, a DLQ and a retry queue', async (canonical) => {
    const name = brokerName(ctx.target, canonical);
    const state = start.get(canonical)?.state;
    expect(state, `queue ${name} exists`).toBeTruthy();
    expect(state!.consumers, `consumers on ${name}`).toBeGreaterThanOrEqual(1);
    expect(state!.dlqDepth, `${name}${retry.dlqSuffix} exists`).not.toBeNull();
    expect(state!.retryDepth, `${name}${retry.queueSuffix} exists`).not.toBeNull();
  });

  it('a poison message on report.raw ends in the analysis queue\'s DLQ, not requeued forever', async () => {
    const confirm = await conn.createConfirmChannel();
    await new Promise<void>((resolve, reject) =>
      confirm.publish(brokerName(ctx.target, 'cleanapp-exchange'), 'report.raw', Buffer.from('{"version": 1, "poison": '), { messageId: poisonId, mandatory: true, contentType: 'application/json' }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    await confirm.close();
    const dlq = dlqName('report-analysis-queue');
    await waitWithin(ctx.target, 'pipelineMs', `poison message ${poisonId} dead-lettered`, async () => {
      let found = false;
      const seen = await throughDlq(dlq, (msg) => {
        const ourPoison = msg.properties.messageId === poisonId;
        if (ourPoison) found = true;
        return ourPoison;
      });
      if (!found) throw new Error(`${dlq} holds ${seen ? [...seen.others.values()].reduce((a, b) => a + b, 0) : 'no queue, so no'} other messages, not ${poisonId}`);
    });
  });

  // The suite never forges events for real reports to make one fail: the contract names no schema-valid
  // report.raw an analyzer must refuse. It checks what the contract guarantees for the reports it submits.
  it('every report of this run ends rendered, or failed with a failure_reason (getReceipt)', async () => {
    const submitter = ctx.api('report:submit');
    for (const label of ['queues-a', 'queues-b']) {
      const res = await submitter.POST('/api/v4/reports', { body: { source_id: ctx.sourceId(label), latitude: 48.1, longitude: 11.6, title: `bin ${label}`, synthetic: true } });
      const { body: receipt } = await expectContract('submitReport', res, { status: 202 });
      ours.set(receipt.public_id, receipt.receipt_id);
    }
    // In parallel, so the whole check fits in one pipeline budget.
    await Promise.all([...ours].map(async ([publicId, receiptId]) => {
      const final = await waitWithin(ctx.target, 'pipelineMs', `report ${publicId} rendered or failed`, async () => {
        const res = await submitter.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: receiptId } } });
        const { body: receipt } = await expectContract('getReceipt', res, { status: 200 });
        if (receipt.status !== 'rendered' && receipt.status !== 'failed') throw new Error(`receipt status ${receipt.status}`);
        return receipt;
      }, { intervalMs: 200 });
      if (final.status === 'failed') expect(final.failure_reason, `receipt ${receiptId} is failed without failure_reason`).toMatch(/\S/);
    }));
  });

  it('every pipeline message observed during the suite validates against its schema', async () => {
    await ctx.api('report:submit').POST('/api/v4/reports', { body: { source_id: ctx.sourceId('events'), latitude: 1, longitude: 1, title: 'bin', synthetic: true } });
    await waitWithin(ctx.target, 'pipelineMs', 'a report.rendered on the tap', () => tap.first((m) => m.routingKey === 'report.rendered', 'a report.rendered'), { intervalMs: 25 });
    // Deliberate poison probes (this run's and any other smoke run's: smoke-poison-*) are invalid on purpose.
    const invalid = tap.messages.filter((m) => !m.messageId?.startsWith(PROBE_PREFIX) && m.problems.length > 0).map((m) => `${m.routingKey}: ${m.problems.join('; ')}`);
    expect(invalid).toEqual([]);
  });

  // Last in the file (vitest runs a file's tests in order): the end of the run's measurements.
  it('at the end: every work queue has a consumer, its depth within limits, its DLQ grown only by probes; dead-lettered reports of this run are failed', async () => {
    const problems: string[] = [];
    const rows: (string | number | null)[][] = [];
    const deadLettered = new Set<string>();
    const span = (a: number | null | undefined, b: number | null | undefined) => `${a ?? 'missing'} → ${b ?? 'missing'}`;
    for (const q of queues) {
      const name = brokerName(ctx.target, q.address);
      const before = start.get(q.address);
      const state = await measure(q.address);
      const dlq = await throughDlq(dlqName(q.address));
      let growth: number | null = null;
      if (dlq && before?.dlq) {
        growth = [...dlq.others].reduce((sum, [key, n]) => sum + Math.max(0, n - (before.dlq!.others.get(key) ?? 0)), 0);
        for (const id of dlq.publicIds) deadLettered.add(id);
      }
      rows.push([name, span(before?.state?.depth, state?.depth), span(before?.state?.consumers, state?.consumers), span(before?.state?.dlqDepth, state?.dlqDepth), span(before?.state?.retryDepth, state?.retryDepth), growth ?? '–', dlq?.truncated ? `first ${PEEK_MAX} peeked` : '']);
      if (!state) problems.push(`${name} is missing`);
      else {
        if (state.consumers < 1) problems.push(`${name} has no consumer`);
        if (limits.maxDepth !== undefined && state.depth > limits.maxDepth) problems.push(`${name} holds ${state.depth} messages (queueLimits.maxDepth ${limits.maxDepth})`);
        if (state.dlqDepth === null || !dlq) problems.push(`${name}${retry.dlqSuffix} is missing`);
      }
      if (growth !== null && growth > maxDlqGrowth) problems.push(`${name}${retry.dlqSuffix} gained ${growth} messages that are not smoke probes during the run (queueLimits.maxDlqGrowth ${maxDlqGrowth})`);
    }
    recordFacts('events-queues', {
      title: 'events: work queues, start → end of the suite',
      columns: ['queue', 'depth', 'consumers', 'DLQ depth', 'retry depth', 'DLQ growth (not probes)', 'note'],
      rows,
      notes: [
        `Passive declares (read-only) on ${ctx.target.name}; DLQ messages are peeked and put back; probes (messageId ${PROBE_PREFIX}*) are not growth.`,
        `Limits: maxDepth ${limits.maxDepth ?? 'unchecked'}, maxDlqGrowth ${maxDlqGrowth} (amqp.queueLimits).`,
      ],
    });
    // A report of this run whose message sits in a DLQ must say so in its receipt.
    const submitter = ctx.api('report:submit');
    for (const [publicId, receiptId] of ours) {
      if (!deadLettered.has(publicId)) continue;
      const { body: receipt } = await expectContract('getReceipt', await submitter.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: receiptId } } }), { status: 200 });
      if (receipt.status !== 'failed' || !receipt.failure_reason) problems.push(`report ${publicId} was dead-lettered but its receipt says ${receipt.status}${receipt.failure_reason ? '' : ' without failure_reason'}`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }, 30_000);
});
