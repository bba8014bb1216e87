/** The part of SmokeResults grouping reads (structural, so reporter.ts can import this module). */
interface Failures {
  suites: { suite: string; file: string; errors: { message: string }[]; checks: { fullName: string; state: string; errors: { message: string }[] }[] }[];
  unhandledErrors: { message: string }[];
}

/**
 * The problem lines of a failure message: the `  - …` list of a ContractError (or of the auth suite's
 * per-operation failures), else the first line. Reproduction lines are not causes.
 */
function problemLines(message: string): string[] {
  const lines = message.split('\n');
  const listed = lines.filter((l) => /^\s{2,}- /.test(l)).map((l) => l.replace(/^\s+- /, ''));
  return listed.length > 0 ? listed : [lines[0] ?? ''];
}

/** Removes what differs between two failures of the same cause: quoted values, URLs, ids, durations. */
function normalise(line: string): string {
  return line
    .replace(/"(?:[^"\\]|\\.)*"/g, '…')
    .replace(/\bhttps?:\/\/\S+/g, '<url>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b(?:rpt|rcp|smoke)[-_][\w-]+/g, '<id>')
    .replace(/\b\d+(?:\.\d+)? ?ms\b/g, '<n> ms')
    .replace(/:\s*(?:sent|got)\s.*$/, '')
    .trim();
}

/**
 * One short line naming why a check failed, the same for every failure with the same root cause
 * (e.g. `X-Request-ID not echoed` for 27 operations of a mock that never echoes it).
 */
export function causeOf(message: string): string {
  const causes = [...new Set(problemLines(message).map(normalise).filter(Boolean))];
  return causes.join('; ') || 'unknown failure';
}

export interface FailureGroup {
  cause: string;
  /** `suite › check` of every failure with this cause; a file that could not run counts as one. */
  checks: string[];
  /** The first failure's full message (already masked): the rest are the same story. */
  example: string;
}

/** Failed checks grouped by cause, largest group first (ties in order of appearance). */
export function groupFailures(results: Failures): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  const add = (name: string, message: string) => {
    const cause = causeOf(message);
    const g = groups.get(cause) ?? { cause, checks: [], example: message };
    g.checks.push(name);
    groups.set(cause, g);
  };
  for (const suite of results.suites) {
    for (const e of suite.errors) add(`${suite.file} could not run`, e.message);
    for (const c of suite.checks) if (c.state === 'failed') add(`${suite.suite} › ${c.fullName}`, c.errors[0]?.message ?? '');
  }
  for (const e of results.unhandledErrors) add('unhandled error', e.message);
  return [...groups.values()].sort((a, b) => b.checks.length - a.checks.length);
}

/** `27 checks: X-Request-ID not echoed` / `1 check: …`. */
export const groupHeadline = (g: FailureGroup) => `${g.checks.length} check${g.checks.length === 1 ? '' : 's'}: ${g.cause}`;

/** The failure is about the status itself (what a matrix row accuses the target of), not another property of the answer. */
const wrongStatus = (message: string) => /expected status |expected the operation's normal answer/.test(message);

/**
 * The headline of a per-operation matrix row (the auth suite) names what actually failed: `what` (e.g.
 * `accepted a request without a token`) only for operations whose status was wrong; operations that
 * answered with the right status but failed another check are counted under that check's cause.
 */
export function matrixHeadline(total: number, what: string, messages: readonly string[]): string {
  const accused = messages.filter(wrongStatus).length;
  const others = new Map<string, number>();
  for (const m of messages.filter((x) => !wrongStatus(x))) others.set(causeOf(m), (others.get(causeOf(m)) ?? 0) + 1);
  const parts = accused > 0 ? [`${accused} of ${total} operations ${what}`] : [];
  for (const [cause, n] of others) parts.push(`${n} of ${total} operations answered with the expected status, but: ${cause}`);
  return parts.join('; ');
}
