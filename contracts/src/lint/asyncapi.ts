import { createConfig, type Config, type RawUniversalConfig } from '@redocly/openapi-core';
import { parseAsyncApi, type ParserDiagnostic } from './asyncapi-parser.js';
import { cleanappPlugin } from './plugin.js';
import { displayPath, toPointer, type LintOptions, type LintProblem } from './problem.js';
import { lintDocument } from './redocly.js';
import { syntaxProblem } from './source.js';

/**
 * The official parser is the authority on AsyncAPI structure; Redocly adds what the parser cannot say
 * precisely: where in the split files a dangling `$ref` is, and payload examples that break their schema.
 */
export const asyncapiRules = {
  'no-unresolved-refs': 'error',
  'cleanapp/no-invalid-payload-examples': 'error',
} as const;

let config: Promise<Config> | undefined;

function asyncapiConfig(): Promise<Config> {
  config ??= createConfig({ extends: [], plugins: [cleanappPlugin], rules: asyncapiRules } as RawUniversalConfig);
  return config;
}

// Spectral severities: 0 error, 1 warning, 2 information, 3 hint (the last two are advice, not problems).
const SEVERITY = { 0: 'error', 1: 'warning' } as const;

function convert(d: ParserDiagnostic, root: string, options: LintOptions): LintProblem | undefined {
  const severity = SEVERITY[d.severity as 0 | 1];
  if (!severity) return undefined;
  const file = displayPath(d.source ?? root, options.cwd);
  const path = d.path;
  if (d.code === 'parser') return syntaxProblem(file, d.range.start.line + 1, d.range.start.character + 1, d.message);
  if (d.code === 'invalid-ref') {
    // Same rule id and location (the object holding the `$ref`) as Redocly, so the two reports merge.
    const at = path.at(-1) === '$ref' ? path.slice(0, -1) : path;
    return { file, pointer: toPointer(at), severity, rule: 'no-unresolved-refs', message: `Can't resolve $ref: ${d.message}` };
  }
  return { file, pointer: toPointer(path), severity, rule: String(d.code), message: d.message };
}

/** Lints an AsyncAPI 3 document with the AsyncAPI parser and Redocly; problems point into the file that holds them. */
export function lintAsyncApi(file: string, options: LintOptions = {}): Promise<LintProblem[]> {
  // The parser runs in a worker thread, alongside Redocly.
  return lintDocument(file, asyncapiConfig, options, async (root, text) =>
    (await parseAsyncApi(text, root)).map((d) => convert(d, root, options)).filter((p): p is LintProblem => p !== undefined),
  );
}
