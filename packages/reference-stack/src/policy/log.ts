import type { DecisionLogEntry } from '@cleanapp/contracts';
import type { Queryable } from '../store/db.js';

type Row = { decision_id: string; decided_at: Date | string; path: string; input_digest: string; result: boolean; revision: string; request_id: string | null };

/**
 * The decision log: one row per decision in the stack's database (table policy_decisions of the stack's
 * schema, so a throwaway stack's log goes with its schema). Append-only: entries are never updated.
 */
export class DecisionLog {
  constructor(private readonly db: Queryable) {}

  async append(entry: DecisionLogEntry): Promise<void> {
    await this.db.query(
      'insert into policy_decisions (decision_id, decided_at, path, input_digest, result, revision, request_id) values ($1, $2, $3, $4, $5, $6, $7)',
      [entry.decision_id, entry.timestamp, entry.path, entry.input_digest, entry.result, entry.revision, entry.request_id ?? null],
    );
  }

  async get(decisionId: string): Promise<DecisionLogEntry | undefined> {
    const row = (await this.db.query<Row>('select * from policy_decisions where decision_id = $1', [decisionId])).rows[0];
    if (!row) return undefined;
    return {
      decision_id: row.decision_id,
      timestamp: new Date(row.decided_at).toISOString(),
      path: row.path as DecisionLogEntry['path'],
      input_digest: row.input_digest,
      result: row.result,
      revision: row.revision,
      ...(row.request_id ? { request_id: row.request_id } : {}),
    };
  }
}
