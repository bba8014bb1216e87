/** Severity of a finding, from the point of view of existing clients/consumers. */
export type Level = 'breaking' | 'warning' | 'info';

export const LEVELS: readonly Level[] = ['info', 'warning', 'breaking'];

/**
 * Whose side of the contract a rule protects: `request` what clients send (parameters, bodies,
 * credentials), `response` what they read, `both` where the change moves the whole exchange (servers).
 */
export type RuleDirection = 'request' | 'response' | 'both';

/**
 * A rule's default level and its one-line description (the message prefix of every finding); rows of
 * our own also name their direction (oasdiff's rows encode it in the id: `request-…`/`response-…`).
 */
export type RuleDef = readonly [level: Level, description: string, direction?: RuleDirection];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Which contract surface a document describes. */
export type ContractKind = 'openapi' | 'graphql' | 'asyncapi' | 'jsonschema';

export interface Change {
  /** Rule id (oasdiff's vocabulary for OpenAPI; `graphql-*` / `event-*` for the other kinds). */
  id: string;
  level: Level;
  /** Area of the contract the rule belongs to, e.g. `endpoint`, `request-body`, `response-body`. */
  kind: string;
  /** Human-readable place, e.g. `GET /reports/{} response 200 application/json /data/seq`. */
  location: string;
  /** `GET /api/v4/reports/{id}`, a GraphQL type.field or an AsyncAPI operation id. */
  operation?: string;
  /** The path template / channel address as written in the revision (base when removed). */
  path?: string;
  message: string;
  /**
   * Engine-internal: the level under `--judge clients` when it depends on the finding itself (e.g. a
   * pattern replaced by one with no value in common); `judgeChanges` resolves and removes it.
   */
  clientLevel?: Level;
}

export interface Summary {
  breaking: number;
  warning: number;
  info: number;
}

export interface DiffResult {
  kind: ContractKind;
  /** The judgement the levels follow (`wire` when not given): see judge.ts. */
  judge?: 'wire' | 'clients';
  changes: Change[];
  summary: Summary;
}

export function summarize(changes: readonly Change[]): Summary {
  const summary: Summary = { breaking: 0, warning: 0, info: 0 };
  for (const c of changes) summary[c.level]++;
  return summary;
}
