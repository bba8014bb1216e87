import type { ReportAnalysedPayload, ReportRawPayload } from '@cleanapp/events';
import { PermanentError, type Broker, type ConsumeOptions, type DeliveryInfo } from '@cleanapp/events/node';
import { NO_FAULTS, type Faults } from '../faults.js';
import { Batcher, writeEachOnRefusal, type Outcome } from '../store/batch.js';
import type { OutboxEvent, OutboxRelay } from '../store/outbox.js';
import type { PipelineStore } from '../store/pipeline.js';
import { renderCard, renderPage } from './render.js';
import type { AnalysisProvider } from './rules-provider.js';

export interface WorkerDeps {
  broker: Broker;
  pipeline: PipelineStore;
  relay: OutboxRelay;
  log?: (line: string) => void;
  prefetch?: number;
  faults?: Faults;
}

/**
 * How deliveries are grouped (Batcher): prefetch bounds what is in flight per consumer, a batch is
 * what arrived while the previous one was being written; two batches in flight keep the database busy
 * while the next one gathers. A batch ends at its commit: its events are published (and its deliveries
 * acked) while the next batch is written.
 */
const PREFETCH = 64;
const BATCH = { maxSize: 32, concurrency: 2 };

/**
 * Analyzer: report.raw → classification (reused for identical content: idempotent on the content hash)
 * → report.analysed. Publishing goes through the outbox, so a crash after the commit re-sends, never loses.
 * Deliveries are handled in batches: one lookup and one write statement per batch; each is acked after
 * its batch committed (and its event was handed to the broker).
 */
export async function startAnalyzer(deps: WorkerDeps & { provider: AnalysisProvider }): Promise<void> {
  const batches = new Batcher<ReportRawPayload, OutboxEvent | undefined>((raws) => analyse(deps, raws), BATCH);
  await deps.broker.consume(
    'report-analysis-queue',
    'report.raw',
    async (raw) => {
      if ((deps.faults ?? NO_FAULTS).has('analyzer-silent')) return; // fault: swallow the work
      // Publishing outside the batch: the next batch is written while this one's events are confirmed.
      await deps.relay.publishAfterCommit(await batches.add(raw));
    },
    consumeOptions(deps, 'analyzer'),
  );
}

/** One batch of report.raw: duplicates are skipped, unknown reports fail alone, the rest is written in one statement. */
export async function analyse(deps: Pick<WorkerDeps, 'pipeline' | 'log'> & { provider: AnalysisProvider }, raws: ReportRawPayload[]): Promise<Outcome<OutboxEvent | undefined>[]> {
  const found = await deps.pipeline.lookup('analyzer', raws);
  const outcomes: Outcome<OutboxEvent | undefined>[] = [];
  const todo: { at: number; item: { raw: ReportRawPayload; analysis: ReportAnalysedPayload['analysis'] } }[] = [];
  for (const [i, raw] of raws.entries()) {
    const f = found[i]!;
    if (f.processed) {
      deps.log?.(`[analyzer] duplicate ${raw.event_id} skipped`);
      outcomes.push(DONE);
    } else if (!f.report) {
      outcomes.push({ ok: false, error: unknownReport(raw.public_id) });
    } else {
      try {
        todo.push({ at: outcomes.length, item: { raw, analysis: f.known ?? { ...(await deps.provider.analyse(raw.report)), analysed_at: new Date().toISOString() } } });
        outcomes.push(DONE);
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
  }
  return withEvents(outcomes, todo, await writeEachOnRefusal(todo.map(({ item }) => item), (items) => deps.pipeline.recordAnalyses(items)));
}

export interface RenderOptions {
  /** The API's public base URL: the page's Open Graph URLs are built from it. */
  publicUrl: string;
}

/** Renderer: report.analysed → SVG card + HTML page stored → report.rendered (batched as the analyzer). */
export async function startRenderer(deps: WorkerDeps & RenderOptions): Promise<void> {
  const batches = new Batcher<ReportAnalysedPayload, OutboxEvent | undefined>((analysed) => render(deps, analysed), BATCH);
  await deps.broker.consume(
    'report-renderer-queue',
    'report.analysed',
    async (analysed) => void (await deps.relay.publishAfterCommit(await batches.add(analysed))),
    consumeOptions(deps, 'renderer'),
  );
}

/** One batch of report.analysed: duplicates are skipped, unknown reports fail alone, the rest is written in one statement. */
export async function render(deps: Pick<WorkerDeps, 'pipeline' | 'log' | 'faults'> & RenderOptions, batch: ReportAnalysedPayload[]): Promise<Outcome<OutboxEvent | undefined>[]> {
  const found = await deps.pipeline.lookup('renderer', batch);
  const outcomes: Outcome<OutboxEvent | undefined>[] = [];
  const todo: { at: number; item: { analysed: ReportAnalysedPayload; svg: string; html: string } }[] = [];
  const publicUrl = (deps.faults ?? NO_FAULTS).has('og-relative') ? '' : deps.publicUrl;
  for (const [i, analysed] of batch.entries()) {
    const { processed, report } = found[i]!;
    if (processed) {
      deps.log?.(`[renderer] duplicate ${analysed.event_id} skipped`);
      outcomes.push(DONE);
    } else if (!report) {
      outcomes.push({ ok: false, error: unknownReport(analysed.public_id) });
    } else {
      const input = {
        publicId: analysed.public_id,
        title: report.title,
        description: report.description,
        latitude: report.latitude,
        longitude: report.longitude,
        reportedAt: report.reported_at,
        analysis: analysed.analysis,
      };
      todo.push({ at: outcomes.length, item: { analysed, svg: renderCard(input), html: renderPage(input, publicUrl) } });
      outcomes.push(DONE);
    }
  }
  return withEvents(outcomes, todo, await writeEachOnRefusal(todo.map(({ item }) => item), (items) => deps.pipeline.recordRenders(items)));
}

/** Handled, nothing to publish (a duplicate), until withEvents fills in the event a write enqueued. */
const DONE: Outcome<OutboxEvent | undefined> = { ok: true, value: undefined };

/** The outcomes with each written item's outcome (its outbox event, or the error that refused it) at its place (`at`). */
function withEvents(outcomes: Outcome<OutboxEvent | undefined>[], todo: { at: number }[], written: Outcome<OutboxEvent | undefined>[]): Outcome<OutboxEvent | undefined>[] {
  todo.forEach(({ at }, i) => (outcomes[at] = written[i]!));
  return outcomes;
}

/**
 * Events are published only after their report's commit, so a missing report was deleted (synthetic
 * clean-up) or never existed (a forged event): no retry can help, and it is dead-lettered visibly.
 */
const unknownReport = (publicId: string) => new PermanentError(`report ${publicId} does not exist (deleted or never stored)`);

/**
 * A step the broker gave up on (retries exhausted, or a permanent error) fails its report, so the
 * receipt says so; poison (no valid payload, hence no report to blame) is only dead-lettered.
 */
function consumeOptions(deps: WorkerDeps, worker: string): ConsumeOptions<'report.raw' | 'report.analysed'> {
  return {
    prefetch: deps.prefetch ?? PREFETCH,
    onDeadLetter: async (reason: string, info: DeliveryInfo, payload?: { public_id: string }) => {
      deps.log?.(`[${worker}] dead-lettered ${info.messageId ?? '?'}: ${reason}`);
      if (!payload) return;
      try {
        if (await deps.pipeline.markFailed(payload.public_id, `${worker}: ${reason}`)) deps.log?.(`[${worker}] ${payload.public_id} failed`);
      } catch (error) {
        deps.log?.(`[${worker}] could not mark ${payload.public_id} failed: ${(error as Error).message}`);
      }
    },
    onInvalid: deps.faults?.has('poison-requeued') ? 'requeue' : 'dead-letter',
  };
}
