// Two judgements of the same findings.
// - `wire` (the default, oasdiff-compatible): is an HTTP exchange that worked before refused or
//   misread now? An optional response property that disappears is a warning: nothing on the wire fails.
// - `clients`: does code compiled against the old generated client (openapi-typescript + openapi-fetch,
//   graphql-codegen, the event payload types) still compile and keep its data against the regenerated one?
//   The provider's SDK users feel these as breaking, so they are.
// Proved by test/judge-clients.test.ts: each promotion is a consumer file that compiles against the old
// generated client and not against the new one.
import type { Change, Level } from './types.js';

export type Judge = 'wire' | 'clients';
export const JUDGES: readonly Judge[] = ['wire', 'clients'];

export interface ClientRule {
  level: Level;
  /** What stops working in code written against the old client. */
  why: string;
}

/** Findings the `clients` judgement rates higher than the wire does, and why. */
export const CLIENT_RULES: Readonly<Record<string, ClientRule>> = {
  'response-optional-property-removed': { level: 'breaking', why: 'code that reads the property no longer compiles (TS2339: property does not exist); renamed properties are this too' },
  'response-property-enum-value-removed': { level: 'breaking', why: 'comparisons and switch cases on the removed value no longer compile (TS2367/TS2678: no overlap)' },
  'response-mediatype-enum-value-removed': { level: 'breaking', why: 'comparisons on the removed value no longer compile (TS2367: no overlap)' },
  'request-property-removed': { level: 'breaking', why: "bodies typed with the client's types that set the property no longer compile (TS2353); untyped ones lose the value silently" },
  'request-parameter-removed': { level: 'breaking', why: 'calls that still pass the parameter no longer compile (TS2322 on `params.query`)' },
};

/**
 * Applies the judgement: under `clients`, the rules above and findings that carry their own client level
 * (a request pattern replaced by one with no value in common) are raised. The engine-internal
 * `clientLevel` never leaves this function.
 */
export function judgeChanges(changes: readonly Change[], judge: Judge): Change[] {
  return changes.map((change) => {
    const { clientLevel, ...rest } = change;
    if (judge === 'wire') return clientLevel === undefined ? change : rest;
    const level = clientLevel ?? CLIENT_RULES[change.id]?.level;
    return level === undefined || level === change.level ? rest : { ...rest, level };
  });
}
