import { resolve } from 'node:path';
import { lint, YamlParseError, type Config, type NormalizedProblem } from '@redocly/openapi-core';
import { dedupe, displayPath, sortProblems, type LintOptions, type LintProblem } from './problem.js';
import { readRoot, syntaxProblem } from './source.js';

/** Redocly writes pointers as `#/a/b` (root `#/`); ours are plain JSON pointers (root ''). */
const plainPointer = (p: string) => (p === '#' || p === '#/' ? '' : p.replace(/^#/, ''));

function convert(p: NormalizedProblem, root: string, options: LintOptions): LintProblem {
  const loc = p.location[0];
  const file = displayPath(loc?.source.absoluteRef ?? root, options.cwd);
  const severity = p.severity === 'error' ? 'error' : 'warning';
  if (loc && loc.pointer === undefined) {
    // Redocly locates parse failures of referenced files by line/column only.
    if (p.message.startsWith('Failed to parse: ')) return syntaxProblem(file, loc.start.line, loc.start.col, p.message.slice(17).replace(/ in ".*$/, ''));
    return { file, pointer: '', severity, rule: p.ruleId, message: p.message, line: loc.start.line, column: loc.start.col };
  }
  const hint = p.suggest.length > 0 ? ` (did you mean: ${p.suggest.slice(0, 3).join(', ')}?)` : '';
  return { file, pointer: plainPointer(loc?.pointer ?? ''), severity, rule: p.ruleId, message: `${p.message}${hint}` };
}

/** Runs Redocly on one root document; fatal errors (unparseable root, unknown spec) become problems too. */
export async function runRedocly(file: string, config: Config, options: LintOptions): Promise<LintProblem[]> {
  try {
    const problems = await lint({ ref: file, config });
    return (
      problems
        // A dangling ref inside a schema also makes Redocly's example rules "error"; no-unresolved-refs already says it.
        .filter((p) => !p.ignored && !(p.ruleId.startsWith('no-invalid-') && p.message.includes("can't resolve reference")))
        .map((p) => convert(p, file, options))
    );
  } catch (error) {
    if (error instanceof YamlParseError) {
      return [syntaxProblem(displayPath(error.source.absoluteRef, options.cwd), error.line, error.col, error.message.replace(/ in ".*$/, ''))];
    }
    return [{ file: displayPath(file, options.cwd), pointer: '', severity: 'error', rule: 'unsupported-document', message: (error as Error).message }];
  }
}

/**
 * Lints one root document (and every file it `$ref`s) with Redocly and, when given, `alongside` checks
 * started first so they run while Redocly works; one report per finding, sorted.
 */
export async function lintDocument(
  file: string,
  config: () => Promise<Config>,
  options: LintOptions,
  alongside?: (root: string, text: string) => Promise<LintProblem[]>,
): Promise<LintProblem[]> {
  const root = resolve(options.cwd ?? process.cwd(), file);
  const read = readRoot(root, options);
  if ('problem' in read) return [read.problem];
  const extra = alongside?.(root, read.text);
  const redocly = await runRedocly(root, await config(), options);
  return sortProblems(dedupe([...redocly, ...((await extra) ?? [])]));
}
