import type { Change, Level } from './types.js';
import { RULES, type RuleId } from './rules.js';

export interface EmitFields {
  location: string;
  operation?: string | undefined;
  path?: string | undefined;
  /** Detail appended to the rule description. */
  detail?: string;
  /** A level that depends on context (e.g. removal of a deprecated endpoint); defaults to the rule's. */
  level?: Level;
  /** The level under `--judge clients` when this finding's own facts decide it (see Change.clientLevel). */
  clientLevel?: Level;
}

/** Collects findings; ids come from the registry so that levels and config overrides stay consistent. */
export class Emitter {
  readonly changes: Change[] = [];
  private readonly seen = new Set<string>();

  /** Every emit call, including duplicates (lets callers tell whether a comparison found anything). */
  attempts = 0;

  emit(id: RuleId, kind: string, f: EmitFields): void {
    this.attempts++;
    const [defaultLevel, description] = RULES[id];
    const message = f.detail ? `${description}: ${f.detail}` : description;
    // The same schema reached through two routes (e.g. allOf and a property ref) must count once.
    const key = `${id}\u0000${f.location}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const change: Change = { id, level: f.level ?? defaultLevel, kind, location: f.location, message };
    if (f.operation !== undefined) change.operation = f.operation;
    if (f.path !== undefined) change.path = f.path;
    if (f.clientLevel !== undefined) change.clientLevel = f.clientLevel;
    this.changes.push(change);
  }
}
