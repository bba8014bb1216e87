/** One finding of a check: the file (relative to the repo root when possible), where in it, and what. */
export interface Problem {
  file: string;
  /** JSON pointer into the parsed document (compose), or `line:col` (actionlint). */
  pointer: string;
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
  check: 'actionlint' | 'compose-schema' | 'compose-policy' | 'smoke-flags';
}

export const formatProblem = (p: Problem): string =>
  `${p.file}${p.line ? `:${p.line}` : ''} ${p.pointer || '/'} ${p.message} [${p.check}]`;

/** RFC 6901 pointer from path segments. */
export const pointerOf = (segments: ReadonlyArray<string | number>): string =>
  segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
