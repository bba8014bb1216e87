import type { Change, Level } from './types.js';
import { OPENAPI_RULES } from './openapi/rules.js';
import { EXTRA_RULES } from './extra-rules.js';

export function ruleLevel(id: string): Level | undefined {
  return OPENAPI_RULES[id]?.[0] ?? EXTRA_RULES[id]?.[0];
}

export function ruleDescription(id: string): string | undefined {
  return OPENAPI_RULES[id]?.[1] ?? EXTRA_RULES[id]?.[1];
}

export function isRule(id: string): boolean {
  return ruleLevel(id) !== undefined;
}

export interface EmitFields {
  location: string;
  operation?: string | undefined;
  path?: string | undefined;
  /** Detail appended to the rule description. */
  detail?: string;
  /** A level that depends on context (e.g. removal of a deprecated endpoint); defaults to the rule's. */
  level?: Level;
}

/** Collects findings; rule ids must be registered so that levels and config overrides stay consistent. */
export class Emitter {
  readonly changes: Change[] = [];
  private readonly seen = new Set<string>();

  /** Every emit call, including duplicates (lets callers tell whether a comparison found anything). */
  attempts = 0;

  emit(id: string, kind: string, f: EmitFields): void {
    this.attempts++;
    const level = f.level ?? ruleLevel(id);
    if (level === undefined) throw new Error(`internal: unregistered rule id ${id}`);
    const description = ruleDescription(id) ?? id;
    const message = f.detail ? `${description}: ${f.detail}` : description;
    // The same schema reached through two routes (e.g. allOf and a property ref) must count once.
    const key = `${id}\u0000${f.location}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const change: Change = { id, level, kind, location: f.location, message };
    if (f.operation !== undefined) change.operation = f.operation;
    if (f.path !== undefined) change.path = f.path;
    this.changes.push(change);
  }
}
