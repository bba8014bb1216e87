// contract-diff BASE REVISION [--format ...] [--fail-on breaking|warning] [--config f] [--ignore f]
//                              [--operations <glob>] [--output file]
// Exit codes: 0 ok, 1 --fail-on reached, 2 unusable input or usage error.
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, loadIgnore, type Config, type IgnoreEntry } from './config.js';
import { FORMATS, formatResult, type Format } from './format.js';
import type { OperationSource } from './graphql.js';
import { diffSources } from './index.js';
import { InputError } from './parse.js';
import { RefError } from './refs.js';

const USAGE = `usage: contract-diff BASE REVISION [options]

BASE and REVISION: a file, an http(s) URL, git:<ref>:<path>, or npm:<package>@<version>[:<path>].
Kinds (detected): OpenAPI 3.0/3.1, GraphQL SDL (supergraph or subgraph), AsyncAPI 3, JSON Schema.

  --format text|json|markdown|github|junit   output format (default text)
  --fail-on breaking|warning                 exit 1 when a change of this level or worse remains
  --config FILE                              rule levels: {rules: {<id>: breaking|warning|info|off}}
  --ignore FILE                              accepted changes: [{id, operation?, location?, reason?}]
  --operations GLOB                          GraphQL: client operations to validate (e.g. 'src/**/*.graphql')
  --output FILE                              write the report to FILE instead of stdout

With --format github and $GITHUB_STEP_SUMMARY set, a Markdown table is appended to the job summary.
Exit codes: 0 done, 1 --fail-on reached, 2 unusable input.
`;

/** Minimal glob: `*` within a segment, `**` across segments, `?` one character. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const abs = resolve(cwd, pattern);
  const parts = abs.split(sep);
  const firstWild = parts.findIndex((p) => /[*?[]/.test(p));
  if (firstWild === -1) return [abs];
  const root = parts.slice(0, firstWild).join(sep) || sep;
  const rx = new RegExp(
    '^' +
      parts
        .slice(firstWild)
        .join('/')
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*\*/g, '.*')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\u0000/g, '(?:.*/)?') +
      '$',
  );
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (rx.test(relative(root, full).split(sep).join('/'))) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        ignore: { type: 'string' },
        operations: { type: 'string', multiple: true },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr(`contract-diff: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 2) {
    io.stderr(`contract-diff: expected BASE and REVISION, got ${positionals.length} argument(s)\n\n${USAGE}`);
    return 2;
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    io.stderr(`contract-diff: --format must be one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'breaking' && failOn !== 'warning') {
    io.stderr('contract-diff: --fail-on must be breaking or warning\n');
    return 2;
  }
  const [baseSpec, revisionSpec] = positionals as [string, string];
  try {
    const config: Config = values.config ? loadConfig(resolve(io.cwd, values.config)) : {};
    const ignore: IgnoreEntry[] = values.ignore ? loadIgnore(resolve(io.cwd, values.ignore)) : [];
    const operations: OperationSource[] = [];
    for (const pattern of values.operations ?? []) {
      const files = expandGlob(pattern, io.cwd);
      if (files.length === 0) throw new InputError(`--operations ${pattern}: no file matches`);
      for (const f of files) operations.push({ name: relative(io.cwd, f), text: readFileSync(f, 'utf8') });
    }
    const result = await diffSources(baseSpec, revisionSpec, { cwd: io.cwd, config, ignore, operations });
    const report = formatResult(result, format);
    if (values.output) writeFileSync(resolve(io.cwd, values.output), report);
    else io.stdout(report);
    // In a GitHub job, annotations go to the log and the table to the job summary.
    const summaryFile = (io.env ?? process.env).GITHUB_STEP_SUMMARY;
    if (format === 'github' && summaryFile) appendFileSync(summaryFile, formatResult(result, 'markdown', `contract-diff ${baseSpec} → ${revisionSpec}`));
    const failed = failOn === 'breaking' ? result.summary.breaking > 0 : failOn === 'warning' ? result.summary.breaking + result.summary.warning > 0 : false;
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof RefError) {
      io.stderr(`contract-diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// Run when executed directly (bin/contract-diff.mjs spawns this file through tsx).
if (process.argv[1] && /cli\.[mc]?[tj]s$/.test(process.argv[1])) {
  main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`contract-diff: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
