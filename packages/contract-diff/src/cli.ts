// contract-diff BASE REVISION [--format ...] [--fail-on breaking|warning|none] [--judge wire|clients]
//                              [--config f] [--ignore f] [--operations <glob>] [--output file]
// contract-diff subgraph-check --name NAME --schema FILE|URL [...] (SUBGRAPH_USAGE)
// Exit codes: 0 ok, 1 --fail-on reached (default: a breaking change), 2 unusable input or usage error.
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config, IgnoreEntry } from './config.js';
import { InputError, RefError } from './errors.js';
import { JUDGES, type Judge } from './judge.js';
import { FORMATS, formatResult, type Format } from './format.js';
import type { OperationSource } from './graphql-ids.js';
import { DIFF_OPTIONS, SUBGRAPH_CHECK_OPTIONS } from './options.js';
import { siblingsLoadable } from './siblings.js';
import type { SubgraphCheckInput } from './subgraph-check.js';
import type { DiffResult } from './types.js';

// Only the modules a command needs are imported, when it runs: `--help` loads none of the engines,
// an OpenAPI pair none of the GraphQL tooling (see index.ts).

const USAGE = `usage: contract-diff BASE REVISION [options]

BASE and REVISION: a file, an http(s) URL, git:<ref>:<path>, or npm:<package>@<version>[:<path>].
Kinds (detected): OpenAPI 3.0/3.1, GraphQL SDL (supergraph or subgraph), AsyncAPI 3, JSON Schema.

  --format text|json|markdown|github|junit   output format (default text)
  --fail-on breaking|warning|none            exit 1 when a change of this level or worse remains
                                             (default breaking; none: report only, always exit 0)
  --judge wire|clients                       wire (default, oasdiff's view): breaking = an exchange that
                                             worked now fails; clients: also what makes code written
                                             against the old generated client stop compiling or lose data
  --config FILE                              rule levels: {rules: {<id>: breaking|warning|info|off}}
  --ignore FILE                              accepted changes: [{id, operation?, location?, reason?}]
  --operations GLOB                          GraphQL: client operations to validate (e.g. 'src/**/*.graphql')
  --output FILE                              write the report to FILE instead of stdout
  --version                                  print the version

With --format github and $GITHUB_STEP_SUMMARY set, a Markdown table is appended to the job summary.
Exit codes: 0 done, 1 --fail-on reached (by default: a breaking change remains), 2 unusable input.

contract-diff subgraph-check --name NAME --schema FILE|URL: checks one subgraph change against the
supergraph and the client operations (contract-diff subgraph-check --help).
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

const SUBGRAPH_USAGE = `usage: contract-diff subgraph-check --name NAME --schema FILE|URL [options]

Replaces subgraph NAME by the candidate schema, composes it with the other subgraphs, diffs the
resulting supergraph against the current one and validates client operations against it.

  --name NAME                  the subgraph being changed (one of --subgraphs; with --new: a new one)
  --schema FILE|URL            candidate SDL: a file, or a running subgraph (POST { _service { sdl } })
  --header 'K: V'              HTTP header for a --schema URL (repeatable), e.g. 'Authorization: Bearer …'
  --subgraphs DIR|SUPERGRAPH   current subgraphs: a folder of <name>.graphql, or a supergraph file to
                               derive them from (default: the canonical ones in @cleanapp/contracts)
  --supergraph FILE            current supergraph (default: @cleanapp/contracts/supergraph.graphql)
  --new                        NAME is a subgraph being added (otherwise an unknown NAME is an error)
  --operations GLOB            more client operations to validate (repeatable); the operations of
                               @cleanapp/graphql-client are always validated unless --no-client-operations
  --format, --fail-on, --config, --ignore, --output   as for the diff (--fail-on defaults to breaking)

Exit codes: 0 done, 1 composition failed, an operation became invalid or --fail-on reached, 2 unusable input.
`;

async function readOperations(patterns: readonly string[] | undefined, cwd: string): Promise<OperationSource[]> {
  const operations: OperationSource[] = [];
  for (const pattern of patterns ?? []) {
    const files = expandGlob(pattern, cwd);
    if (files.length === 0) throw new InputError(`--operations ${pattern}: no file matches`);
    for (const f of files) operations.push({ name: relative(cwd, f), text: readFileSync(f, 'utf8') });
  }
  return operations;
}

/** `--fail-on`'s values; a gate that forgets the flag must not pass everything, so `breaking` is the default. */
const FAIL_ON = ['breaking', 'warning', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface Common {
  format: Format;
  failOn: FailOn;
  config: Config;
  ignore: IgnoreEntry[];
  operations: OperationSource[];
}

/** Validates and loads the options both commands share; a string is the usage error. */
async function commonOptions(values: { format?: string | undefined; 'fail-on'?: string | undefined; config?: string | undefined; ignore?: string | undefined; operations?: string[] | undefined }, cwd: string): Promise<Common | string> {
  const format = values.format as Format;
  if (!FORMATS.includes(format)) return `--format must be one of ${FORMATS.join(', ')}`;
  const failOn = (values['fail-on'] ?? 'breaking') as FailOn;
  if (!FAIL_ON.includes(failOn)) return `--fail-on must be one of ${FAIL_ON.join(', ')}`;
  return {
    format,
    failOn,
    config: values.config ? (await import('./config.js')).loadConfig(resolve(cwd, values.config)) : {},
    ignore: values.ignore ? (await import('./config.js')).loadIgnore(resolve(cwd, values.ignore)) : [],
    operations: await readOperations(values.operations, cwd),
  };
}

/** Writes the report (and the GitHub job summary); true when --fail-on is reached. */
function report(result: DiffResult, c: Common, output: string | undefined, title: string, io: CliIO): boolean {
  const text = formatResult(result, c.format);
  if (output) writeFileSync(resolve(io.cwd, output), text);
  else io.stdout(text);
  // In a GitHub job, annotations go to the log and the table to the job summary.
  const summaryFile = (io.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (c.format === 'github' && summaryFile) appendFileSync(summaryFile, formatResult(result, 'markdown', title));
  return c.failOn === 'breaking' ? result.summary.breaking > 0 : c.failOn === 'warning' ? result.summary.breaking + result.summary.warning > 0 : false;
}

async function guarded(io: CliIO, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InputError || e instanceof RefError) {
      io.stderr(`contract-diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function parseHeaders(list: readonly string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new InputError(`--header ${JSON.stringify(h)}: expected 'Name: value'`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return headers;
}

export async function subgraphCheckMain(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: false, options: SUBGRAPH_CHECK_OPTIONS });
  } catch (e) {
    io.stderr(`contract-diff subgraph-check: ${(e as Error).message}\n\n${SUBGRAPH_USAGE}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(SUBGRAPH_USAGE);
    return 0;
  }
  if (!values.name || !values.schema) {
    io.stderr(`contract-diff subgraph-check: --name and --schema are required\n\n${SUBGRAPH_USAGE}`);
    return 2;
  }
  const { name, schema } = values;
  return guarded(io, async () => {
    const common = await commonOptions(values, io.cwd);
    if (typeof common === 'string') {
      io.stderr(`contract-diff subgraph-check: ${common}\n`);
      return 2;
    }
    const headers = parseHeaders(values.header);
    await siblingsLoadable();
    const { fetchSubgraphSdl, loadSubgraphs, subgraphCheck } = await import('./subgraph-check.js');
    const candidateSdl = /^https?:\/\//.test(schema) ? await fetchSubgraphSdl(schema, headers) : readInput(resolve(io.cwd, schema), '--schema');
    const input: SubgraphCheckInput = {
      name,
      candidateSdl,
      candidateSource: schema,
      operations: common.operations,
      clientOperations: !values['no-client-operations'],
      isNew: values.new === true,
      config: common.config,
      ignore: common.ignore,
    };
    if (values.subgraphs) input.subgraphs = loadSubgraphs(resolve(io.cwd, values.subgraphs));
    if (values.supergraph) input.supergraph = readInput(resolve(io.cwd, values.supergraph), '--supergraph');
    const result = await subgraphCheck(input);
    const failOn = report(result, common, values.output, `contract-diff subgraph-check ${name}`, io);
    const blocked = result.compositionErrors.length > 0 || result.invalidOperations.length > 0;
    if (blocked) io.stderr(`contract-diff subgraph-check: ${result.compositionErrors.length} composition error(s), ${result.invalidOperations.length} operation(s) made invalid\n`);
    return failOn || blocked ? 1 : 0;
  });
}

function readInput(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${flag} ${path}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === 'subgraph-check') return subgraphCheckMain(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: DIFF_OPTIONS });
  } catch (e) {
    io.stderr(`contract-diff: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    // package.json is one folder up from src/cli.ts and from the built dist/cli.js alike.
    io.stdout(`${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    io.stderr(`contract-diff: expected BASE and REVISION, got ${positionals.length} argument(s)\n\n${USAGE}`);
    return 2;
  }
  const [baseSpec, revisionSpec] = positionals as [string, string];
  return guarded(io, async () => {
    const common = await commonOptions(values, io.cwd);
    if (typeof common === 'string') {
      io.stderr(`contract-diff: ${common}\n`);
      return 2;
    }
    const { diffSources } = await import('./index.js');
    const judge = (values.judge ?? 'wire') as Judge;
    if (!JUDGES.includes(judge)) {
      io.stderr(`contract-diff: --judge must be one of ${JUDGES.join(', ')}\n`);
      return 2;
    }
    const result = await diffSources(baseSpec, revisionSpec, { cwd: io.cwd, config: common.config, ignore: common.ignore, operations: common.operations, judge });
    return report(result, common, values.output, `contract-diff ${baseSpec} → ${revisionSpec}`, io) ? 1 : 0;
  });
}

/** The process entry (bin/contract-diff.mjs): real stdio, the exit code on the process. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  main(argv, {
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
