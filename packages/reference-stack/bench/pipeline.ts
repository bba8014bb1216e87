// pnpm bench (pipeline part): ingest N reports over HTTP as fast as the stack takes them and wait until
// every one is rendered; then a raw amqplib publish→consume loop of the same count on the same broker,
// at the same concurrency. Prints throughput, p50/p99 latency of both, and the ratio.
//   N=1000 CONCURRENCY=32 pnpm --filter @cleanapp/reference-stack bench
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createApiClient } from '@cleanapp/api-client';
import { connect } from 'amqplib';
import { startStack } from '../src/stack.js';

const N = Number(process.env.N ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

interface Result {
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function summarise(latencies: number[], seconds: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { seconds, throughput: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Runs `task(i)` for i < n with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

/** Latencies of arriving messages; `done` resolves with them once N arrived, or after the timeout with fewer. */
function arrivals(timeoutMs = 120_000) {
  const latencies: number[] = [];
  let finish!: () => void;
  const timer = setTimeout(() => finish(), timeoutMs);
  const done = new Promise<void>((r) => (finish = r)).then(() => {
    clearTimeout(timer);
    return latencies;
  });
  return {
    done,
    record(ms: number) {
      latencies.push(ms);
      if (latencies.length === N) finish();
    },
  };
}

async function pipeline(stack: Awaited<ReturnType<typeof startStack>>): Promise<Result> {
  const api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token: await stack.token() });

  // A tap on report.rendered tells when each report is through the whole pipeline.
  const conn = await connect(stack.target.amqp.url);
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(queue, stack.target.amqp.nameMap['cleanapp-exchange']!, 'report.rendered');
  const started = new Map<string, number>();
  const arrived = arrivals();
  await ch.consume(queue, (msg) => {
    if (!msg) return;
    const { public_id } = JSON.parse(msg.content.toString()) as { public_id: string };
    const t0 = started.get(public_id);
    if (t0 !== undefined) arrived.record(performance.now() - t0);
  }, { noAck: true });

  const t0 = performance.now();
  const runId = randomUUID().slice(0, 8);
  await pool(N, CONCURRENCY, async (i) => {
    const begin = performance.now();
    const { data, response } = await api.POST('/api/v4/reports', {
      body: { source_id: `bench-${runId}-${i}`, latitude: 52 + i / 1e5, longitude: 13, title: `bench ${i}`, description: 'plastic bottle near the bin', synthetic: true },
    });
    if (response.status !== 202 || !data) throw new Error(`ingest answered ${response.status}`);
    started.set(data.public_id, begin);
  });
  const latencies = await arrived.done;
  const seconds = (performance.now() - t0) / 1000;
  await conn.close();
  if (latencies.length < N) throw new Error(`only ${latencies.length} of ${N} reports were rendered within 120 s`);
  return summarise(latencies, seconds);
}

/** The floor: publish with confirms → consume and ack, same count, same concurrency, same broker. */
async function rawLoop(url: string): Promise<Result> {
  const conn = await connect(url);
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  const { queue } = await sub.assertQueue('', { exclusive: true });
  await sub.prefetch(CONCURRENCY);
  const body = Buffer.from(JSON.stringify({ version: 1, event_id: randomUUID(), padding: 'x'.repeat(500) }));
  const sent = new Map<string, number>();
  const arrived = arrivals();
  await sub.consume(queue, (msg) => {
    if (!msg) return;
    arrived.record(performance.now() - sent.get(msg.properties.messageId as string)!);
    sub.ack(msg);
  });
  const t0 = performance.now();
  await pool(N, CONCURRENCY, async (i) => {
    const id = String(i);
    sent.set(id, performance.now());
    await new Promise<void>((resolve, reject) => pub.publish('', queue, body, { persistent: true, messageId: id }, (err) => (err ? reject(err) : resolve())));
  });
  const latencies = await arrived.done;
  const seconds = (performance.now() - t0) / 1000;
  await conn.close();
  return summarise(latencies, seconds);
}

const fmt = (r: Result) => `${r.throughput.toFixed(0).padStart(6)} msg/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.seconds.toFixed(2)} s)`;

const stack = await startStack();
try {
  console.log(`pipeline bench: ${N} reports, concurrency ${CONCURRENCY}, broker ${stack.dependencies.amqp.source}, database ${stack.dependencies.database.source}`);
  const p = await pipeline(stack);
  const r = await rawLoop(stack.target.amqp.url);
  console.log(`ingest → rendered (HTTP, 3 hops)  ${fmt(p)}`);
  console.log(`raw amqplib publish → consume     ${fmt(r)}`);
  console.log(`ratio pipeline/raw throughput: ${(p.throughput / r.throughput).toFixed(3)} (target ≥ 0.5)`);
} finally {
  await stack.stop();
}
