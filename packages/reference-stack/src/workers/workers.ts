import type { Broker } from '@cleanapp/events/node';
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
      // Reports are only published after their commit, so a missing one was deleted (synthetic clean-up).
      if (!(await deps.pipeline.reportExists(raw.public_id))) return deps.log?.(`[analyzer] skipped ${raw.public_id}: deleted`);
      const known = await deps.pipeline.analysisFor(raw.content_hash);
      const analysis = known ?? { ...(await deps.provider.analyse(raw.report)), analysed_at: new Date().toISOString() };
      const event = await deps.pipeline.recordAnalysis(raw, analysis);
      if (event) await deps.relay.publish(event);
    },
    {
      prefetch: deps.prefetch ?? 16,
      onDeadLetter: (reason, info) => deps.log?.(`[analyzer] dead-lettered ${info.messageId ?? '?'}: ${reason}`),
      onInvalid: deps.faults?.has('poison-requeued') ? 'requeue' : 'dead-letter',
    },
  );
}

/** Renderer: report.analysed → SVG card + HTML page stored → report.rendered. */
export async function startRenderer(deps: WorkerDeps): Promise<void> {
  await deps.broker.consume(
    'report-renderer-queue',
    'report.analysed',
    async (analysed) => {
      const report = await deps.pipeline.reportForRender(analysed.public_id);
      if (!report) return deps.log?.(`[renderer] skipped ${analysed.public_id}: deleted`);
      const input = {
        publicId: analysed.public_id,
        title: report.title,
        description: report.description,
        latitude: report.latitude,
        longitude: report.longitude,
        reportedAt: report.reported_at,
        analysis: analysed.analysis,
      };
      const event = await deps.pipeline.recordRender(analysed, renderCard(input), renderPage(input));
      if (event) await deps.relay.publish(event);
    },
    {
      prefetch: deps.prefetch ?? 16,
      onDeadLetter: (reason, info) => deps.log?.(`[renderer] dead-lettered ${info.messageId ?? '?'}: ${reason}`),
      onInvalid: deps.faults?.has('poison-requeued') ? 'requeue' : 'dead-letter',
    },
  );
}
