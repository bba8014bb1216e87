import { PermanentError, type Broker, type ConsumeOptions, type DeliveryInfo } from '@cleanapp/events/node';
import { NO_FAULTS, type Faults } from '../faults.js';
import type { OutboxRelay } from '../store/outbox.js';
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
 * Analyzer: report.raw → classification (reused for identical content: idempotent on the content hash)
 * → report.analysed. Publishing goes through the outbox, so a crash after the commit re-sends, never loses.
 */
export async function startAnalyzer(deps: WorkerDeps & { provider: AnalysisProvider }): Promise<void> {
  await deps.broker.consume(
    'report-analysis-queue',
    'report.raw',
    async (raw) => {
      if ((deps.faults ?? NO_FAULTS).has('analyzer-silent')) return; // fault: swallow the work
      if (await deps.pipeline.processed('analyzer', raw.event_id)) return deps.log?.(`[analyzer] duplicate ${raw.event_id} skipped`);
      if (!(await deps.pipeline.reportExists(raw.public_id))) throw unknownReport(raw.public_id);
      const known = await deps.pipeline.analysisFor(raw.content_hash);
      const analysis = known ?? { ...(await deps.provider.analyse(raw.report)), analysed_at: new Date().toISOString() };
      await deps.relay.publishAfterCommit(await deps.pipeline.recordAnalysis(raw, analysis));
    },
    consumeOptions(deps, 'analyzer'),
  );
}

export interface RenderOptions {
  /** The API's public base URL: the page's Open Graph URLs are built from it. */
  publicUrl: string;
}

/** Renderer: report.analysed → SVG card + HTML page stored → report.rendered. */
export async function startRenderer(deps: WorkerDeps & RenderOptions): Promise<void> {
  await deps.broker.consume(
    'report-renderer-queue',
    'report.analysed',
    async (analysed) => {
      if (await deps.pipeline.processed('renderer', analysed.event_id)) return deps.log?.(`[renderer] duplicate ${analysed.event_id} skipped`);
      const report = await deps.pipeline.reportForRender(analysed.public_id);
      if (!report) throw unknownReport(analysed.public_id);
      const input = {
        publicId: analysed.public_id,
        title: report.title,
        description: report.description,
        latitude: report.latitude,
        longitude: report.longitude,
        reportedAt: report.reported_at,
        analysis: analysed.analysis,
      };
      await deps.relay.publishAfterCommit(await deps.pipeline.recordRender(analysed, renderCard(input), renderPage(input, (deps.faults ?? NO_FAULTS).has('og-relative') ? '' : deps.publicUrl)));
    },
    consumeOptions(deps, 'renderer'),
  );
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
    prefetch: deps.prefetch ?? 16,
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
