import { relative } from 'node:path';

export type Severity = 'error' | 'warning';

/** One finding, located in the file that actually holds the offending node (not the root document). */
export interface LintProblem {
  /** Path relative to `LintOptions.cwd` (the process cwd by default), or a URL for remote refs. */
  file: string;
  /** JSON pointer inside `file` ('' = the whole file). For GraphQL SDL: `/<Type>/<field>`. */
  pointer: string;
  severity: Severity;
  /** Redocly rule id, `cleanapp/...` for ours, the AsyncAPI parser's code, or `syntax`/`graphql-composition`. */
  rule: string;
  message: string;
  /** 1-based position, when known (always set for `syntax`). */
  line?: number;
  column?: number;
}

export interface LintOptions {
  /** Base for the `file` of each problem; defaults to `process.cwd()`. */
  cwd?: string;
}

export const escapePointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

export const toPointer = (path: readonly (string | number)[]) => path.map((p) => `/${escapePointer(p)}`).join('');

/** Relative paths read better and match what editors accept; URLs and absolute refs outside the cwd stay usable. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  return relative(cwd, file) || '.';
}

/** `<file>#<pointer>: <severity> <rule>: <message>` — the one-line format of the CLI. */
export function formatProblem(p: LintProblem): string {
  return `${p.file}#${p.pointer}: ${p.severity} ${p.rule}: ${p.message}`;
}

export function countBySeverity(problems: readonly LintProblem[]) {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

/**
 * Drops repeats: a shared component reached from several operations is reported once, and a dangling
 * `$ref` or unparseable file seen by two tools (Redocly and the AsyncAPI parser) appears once.
 */
export function dedupe(problems: readonly LintProblem[]): LintProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key =
      p.rule === 'syntax'
        ? `${p.file}\0syntax`
        : p.rule === 'no-unresolved-refs'
          ? `${p.file}\0${p.pointer}\0${p.rule}`
          : `${p.file}\0${p.pointer}\0${p.rule}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Stable order: by file, then by position in the file (pointer order is close enough and deterministic). */
export function sortProblems(problems: readonly LintProblem[]): LintProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.pointer.localeCompare(b.pointer) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}
