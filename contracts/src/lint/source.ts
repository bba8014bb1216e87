import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { displayPath, type LintOptions, type LintProblem } from './problem.js';

/**
 * Reads a root document and checks that it is YAML/JSON at all. Redocly throws on an unparseable root
 * and the AsyncAPI parser reports follow-up schema noise, so both are only run on a parseable file;
 * this gives one `syntax` problem with the line instead. (Unparseable *referenced* files are reported
 * by the linters themselves, converted the same way.)
 */
export function readRoot(file: string, options: LintOptions = {}): { text: string } | { problem: LintProblem } {
  const shown = displayPath(file, options.cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: { file: shown, pointer: '', severity: 'error', rule: 'io', message: `cannot read the file: ${(error as Error).message}` } };
  }
  // JSON is (for our purposes) YAML 1.2, so one parser covers both and reports line/column.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    return {
      problem: {
        file: shown,
        pointer: '',
        severity: 'error',
        rule: 'syntax',
        message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not parseable as YAML/JSON: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      },
    };
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: { file: shown, pointer: '', severity: 'error', rule: 'syntax', message: 'the document must be a YAML/JSON object' } };
  }
  return { text };
}

/** `syntax` problem for a referenced file the linters could not parse (they give line/column only). */
export function syntaxProblem(file: string, line: number | undefined, column: number | undefined, detail: string): LintProblem {
  return {
    file,
    pointer: '',
    severity: 'error',
    rule: 'syntax',
    message: `${line ? `line ${line}${column ? `, column ${column}` : ''}: ` : ''}not parseable as YAML/JSON: ${detail}`,
    ...(line ? { line } : {}),
    ...(column ? { column } : {}),
  };
}
