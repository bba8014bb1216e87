import { readFileSync } from 'node:fs';
import { clearRecords, recordFiles, writeRecord } from './report-files.js';
import { join } from 'node:path';
import type { LatencyBudget } from '@cleanapp/contracts';

/**
 * Latency a suite measured under load, per budgeted operation. The perf suite writes one record per shard
 * (`recordLatency`); the runner folds every record of the run into results.json (`latency`), the reports
 * and the canary's history (one JSON line per run), so a trend is read from the same shape it was written in.
 */
/** What a load run measured on one request, in the shape every report and the history keep. */
export interface LatencyStats {
  /** Answers plus transport errors (what was attempted and finished). */
  requests: number;
  /** Non-2xx answers, transport errors and timeouts. */
  errors: number;
  /** errors ÷ requests (0 when nothing finished). */
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface LatencyResult extends LatencyStats {
  /** Budget id: an operationId, or `graphql` for the gateway's overhead over the subgraphs. */
  id: string;
  kind: 'rest' | 'graphql';
  /** What was driven, e.g. `GET /api/v4/health` or `POST <gateway> reportsNear`. */
  request: string;
  /** For an overhead budget: what it was compared with and that baseline's p95. */
  baseline?: { id: string; p95Ms: number };
  /** The budget applied after target overrides, and where each limit came from. */
  budget: LatencyBudget & { source: 'contract' | 'target' | 'contract+target' };
  verdict: 'pass' | 'fail';
  /** One sentence per broken limit, e.g. `p95 182.4 ms > 100 ms (contract)`. */
  violations: string[];
}

export interface LatencyRecord {
  target: string;
  environment?: string;
  runId: string;
  /** ISO time the measurement started. */
  at: string;
  /** `i/n` when the run was one shard of several. */
  shard?: string;
  /** The load settings used (after target overrides). */
  load: { rate: number; maxRequests: number; maxSeconds: number; connections: number };
  results: LatencyResult[];
}

export const latencyDir = (reportDir: string) => join(reportDir, 'latency');

/** Writes `<report dir>/latency/<name>.json` (no-op outside the runner, which sets CLEANAPP_REPORT_DIR). */
export function recordLatency(name: string, record: LatencyRecord, reportDir = process.env.CLEANAPP_REPORT_DIR): void {
  if (reportDir) writeRecord(latencyDir(reportDir), name, record);
}

/** Removes an earlier run's records from the report dir. */
export const clearLatency = (reportDir: string) => clearRecords(latencyDir(reportDir));

/** Every latency record of the run; an unreadable file throws with its path (a measurement is never silently dropped). */
export function readLatency(reportDir: string): LatencyRecord[] {
  return recordFiles(latencyDir(reportDir)).map((file) => {
    let record: LatencyRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as LatencyRecord;
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(record.results)) throw new Error(`${file}: not a latency record (no results array)`);
    return record;
  });
}
