import autocannon from 'autocannon';
import type { LoadSettings } from './budgets.js';
import { summarize, type Measurement } from './stats.js';

/** One request, repeated under load. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A 2xx answer whose body this refuses counts as an error too (GraphQL reports errors with 200). */
  verifyBody?: (body: string) => boolean;
}

/** What a run saw: per-answer latencies (ms, sub-millisecond precision) and status counts. */
interface Raw {
  latencies: number[];
  statuses: Record<string, number>;
  seconds: number;
}

/**
 * Drives `request` with autocannon: `amount` requests over `connections` keep-alive connections, at
 * most `rate` per second (autocannon's `overallRate`, spread over the connections), stopped after
 * `seconds` whatever is left. Latency is recorded per answer from autocannon's `response` event (its
 * own histogram keeps whole milliseconds and only p2.5/p50/p97.5/p99), transport errors and timeouts
 * from `reqError`. Requests still pending when the time is up are not counted.
 */
function drive(request: LoadRequest, settings: LoadSettings, amount: number, seconds: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers ?? {},
        ...(request.body !== undefined ? { body: request.body } : {}),
        amount,
        connections: Math.max(1, Math.min(settings.connections, amount, settings.rate)),
        overallRate: settings.rate,
        // A request may take the whole window; then it counts as an error (timeout).
        timeout: Math.max(1, Math.ceil(seconds)),
        // Without this the run ends on autocannon's next 1 s sample tick, not when the last answer arrives.
        sampleInt: 20,
        // A target that refuses connections would otherwise be retried until the window closes.
        bailout: amount,
        skipAggregateResult: true,
        ...(request.verifyBody ? { verifyBody: (body: string | Buffer | undefined) => request.verifyBody!(String(body ?? '')) } : {}),
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve({ latencies, statuses, seconds: (performance.now() - started) / 1000 });
      },
    );
    let last = '';
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      last = String(statusCode);
      statuses[last] = (statuses[last] ?? 0) + 1;
    });
    // autocannon emits `response`, then synchronously for the same answer `reqMismatch` when verifyBody
    // refuses it: a refused 2xx moves to the errors (a refused non-2xx already is one).
    instance.on('reqMismatch' as 'reqError', () => {
      if (!/^2\d\d$/.test(last)) return;
      statuses[last]! -= 1;
      statuses['refused body'] = (statuses['refused body'] ?? 0) + 1;
    });
    instance.on('reqError', () => {
      statuses.error = (statuses.error ?? 0) + 1;
    });
    timer = setTimeout(() => instance.stop(), seconds * 1000);
  });
}

const warmUp = (request: LoadRequest, settings: LoadSettings) =>
  drive(request, settings, Math.min(settings.maxRequests, settings.connections * 3), Math.min(1, settings.maxSeconds / 4));

/**
 * Measures one request under the target's load settings: a short warm-up first (a few requests per
 * connection, at most a quarter of the window or 1 s, not measured: connection set-up, JIT and caches),
 * then `maxRequests` requests within `maxSeconds`.
 */
export async function measureLoad(request: LoadRequest, settings: LoadSettings): Promise<Measurement> {
  await warmUp(request, settings);
  const raw = await drive(request, settings, settings.maxRequests, settings.maxSeconds);
  return summarize(raw.latencies, raw.statuses, raw.seconds);
}

/** Rounds a paired measurement alternates in; each round is at least this many requests per side. */
const ROUNDS = 5;
const MIN_ROUND = 10;

/**
 * Measures a baseline and a subject for an overhead budget in alternating rounds (baseline, subject,
 * baseline, …; each side `maxRequests` in all, within `maxSeconds` in all), so whatever else loads the
 * machine meanwhile weighs on both alike and the difference of their p95s is the subject's own.
 */
export async function measurePair(baseline: LoadRequest, subject: LoadRequest, settings: LoadSettings): Promise<{ baseline: Measurement; subject: Measurement }> {
  await warmUp(baseline, settings);
  await warmUp(subject, settings);
  const rounds = Math.max(1, Math.min(ROUNDS, Math.floor(settings.maxRequests / MIN_ROUND)));
  const sides = [baseline, subject].map(() => ({ latencies: [] as number[], statuses: {} as Record<string, number>, seconds: 0 }));
  for (let round = 0; round < rounds; round++) {
    // Spread maxRequests over the rounds (the first ones take the remainder).
    const amount = Math.floor(settings.maxRequests / rounds) + (round < settings.maxRequests % rounds ? 1 : 0);
    for (const [i, request] of [baseline, subject].entries()) {
      const raw = await drive(request, settings, amount, settings.maxSeconds / rounds);
      const side = sides[i]!;
      side.latencies.push(...raw.latencies);
      for (const [code, n] of Object.entries(raw.statuses)) side.statuses[code] = (side.statuses[code] ?? 0) + n;
      side.seconds += raw.seconds;
    }
  }
  const [b, s] = sides.map((side) => summarize(side.latencies, side.statuses, side.seconds));
  return { baseline: b!, subject: s! };
}
