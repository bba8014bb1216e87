import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { chromiumPath, startSharedChromium, type SharedChromium } from './browser.js';
import { removeSyntheticData } from './cleanup.js';
import { newRunId } from './context.js';
import { SMOKE_OPTIONS, type SmokeArgs, type SmokeOption } from './options.js';
import { mask } from './mask.js';
import { probeTarget, probeTokenEndpoint } from './probe.js';
import { deployedText } from './deployed.js';
import { serviceNames } from './services.js';
import { MergeError, mergeReports } from './merge.js';
import { defaultReportDir, describeDeployed, discoverSuites, preloadVitest, runSmoke, type PublishedPackage } from './runner.js';
import { loadTarget, parseTarget, TargetError, type Target } from './target.js';

/** Exit codes: 0 every check passed, 1 a check failed, 2 unusable configuration or unreachable target. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_CONFIG = 2;

const synopsis = (o: SmokeOption) => (o.value ? `${o.flag} <${o.value}>` : o.flag);
const USAGE = [
  `usage: smoke ${SMOKE_OPTIONS.filter((o: SmokeOption) => o.value).map((o) => `[${synopsis(o)}]`).join(' ')}`,
  '',
  ...SMOKE_OPTIONS.flatMap((o) => o.help.map((line, i) => `  ${(i === 0 ? synopsis(o) : '').padEnd(21)}${line}`)),
  '',
  'exit codes: 0 all checks passed, 1 a check failed, 2 unusable configuration or unreachable target',
  '',
  'usage: smoke merge --report-dir <out> [--history <file>] <shard report dir>...',
  "  merges the shards' results.json, junit.xml and facts/latency into one report in <out> (+ summary.md);",
  '  exit 1 when a shard had a failed check, 2 when a shard dir has no usable results.json/junit.xml',
].join('\n');

/** `--shard i/n` with 1 ≤ i ≤ n (vitest's own format); anything else is a configuration error. */
export function parseShard(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > Number(m[2])) throw new ConfigError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/3), got ${value}`);
  return `${Number(m[1])}/${Number(m[2])}`;
}

/** `smoke merge`: one report from the shards' report dirs (the canary's merge job). */
export function mergeMain(argv: string[]): number {
  let values: { 'report-dir'?: string; history?: string };
  let dirs: string[];
  try {
    const parsed = parseArgs({ args: argv, options: { 'report-dir': { type: 'string' }, history: { type: 'string' } }, strict: true, allowPositionals: true });
    values = parsed.values as typeof values;
    dirs = parsed.positionals;
  } catch (err) {
    printErr(`smoke merge: ${(err as Error).message}\n${USAGE}`);
    return EXIT_CONFIG;
  }
  if (!values['report-dir'] || dirs.length === 0) {
    printErr(`smoke merge: needs --report-dir <out> and at least one shard report dir\n${USAGE}`);
    return EXIT_CONFIG;
  }
  try {
    const out = resolve(values['report-dir']);
    const { report, exitCode, historyNotes, warnings } = mergeReports({ reportDir: out, dirs: dirs.map((d) => resolve(d)), ...(values.history ? { history: resolve(values.history) } : {}) });
    for (const note of [...warnings, ...historyNotes.map((n) => `history ${n}`)]) printErr(`smoke merge: ${note}`);
    const s = report.summary;
    const latency = report.latency.flatMap((r) => r.results);
    print(`smoke merge: ${dirs.length} shard dirs → ${out}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.flaky ? `, ${s.flaky} flaky` : ''}; ${latency.length} latency results (${latency.filter((r) => r.verdict === 'fail').length} over budget)`);
    return exitCode;
  } catch (err) {
    if (err instanceof MergeError) {
      printErr(`smoke merge: ${err.message}`);
      return EXIT_CONFIG;
    }
    throw err;
  }
}

const PARSE_OPTIONS: ParseArgsConfig['options'] = Object.fromEntries(
  SMOKE_OPTIONS.map((o: SmokeOption) => [o.flag.slice(2), { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}) }]),
);

/** A configuration problem: printed and the process exits with 2. */
class ConfigError extends Error {}

interface StackHandle {
  target: unknown;
  targetFile: string;
  stop(): Promise<void>;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const print = (line: string) => process.stdout.write(`${mask(line)}\n`);
const printErr = (line: string) => process.stderr.write(`${mask(line)}\n`);

/** What the runner says when there is no --target and the embedded stack is not installed. */
export const STACK_MISSING = 'no --target given and the embedded reference stack is not installed: pass --target <file>, or npm install -D @cleanapp/reference-stack';

async function startReferenceStack(): Promise<StackHandle> {
  // Imported only here, by a computed specifier, so `--target` runs (and typechecking) never need the stack.
  const specifier = '@cleanapp/reference-stack';
  let mod: { startStack?: (options?: Record<string, unknown>) => Promise<StackHandle> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    // An optional peer: a service repo that only tests its own environments does not install it.
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(`'${specifier}'`)) throw new ConfigError(STACK_MISSING);
    throw new ConfigError(`cannot load the reference stack (${e.message.split('\n')[0]}); pass --target <file> to test another environment`);
  }
  if (typeof mod.startStack !== 'function') throw new ConfigError('@cleanapp/reference-stack does not export startStack; pass --target <file>');
  try {
    return await mod.startStack();
  } catch (err) {
    throw new ConfigError(`the reference stack did not start: ${(err as Error).message}`);
  }
}

/** Narrows the suites by tag and by the services they check; an empty selection is a configuration error. */
export function selectSuites(
  known: { name: string; tags: string[]; services: string[] }[],
  names: string[],
  tag: string | undefined,
  services: string[] | undefined,
  targetServices: string[] | undefined,
): string[] {
  const info = new Map(known.map((s) => [s.name, s]));
  let selected = names;
  if (tag !== undefined) {
    const tags = [...new Set(known.flatMap((s) => s.tags))].sort();
    if (!tags.includes(tag)) throw new ConfigError(`unknown tag ${tag} (known: ${tags.join(', ')})`);
    selected = selected.filter((n) => info.get(n)?.tags.includes(tag));
  }
  if (services) {
    const knownServices = [...new Set([...known.flatMap((s) => s.services), ...(targetServices ?? [])])].sort();
    const unknown = services.filter((s) => !knownServices.includes(s));
    if (unknown.length > 0) throw new ConfigError(`unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${knownServices.join(', ')})`);
    selected = selected.filter((n) => info.get(n)?.services.some((s) => services.includes(s)));
  }
  if (selected.length === 0) {
    throw new ConfigError(`no suite matches${tag ? ` --tag ${tag}` : ''}${services ? ` --service ${services.join(',')}` : ''} among ${names.join(', ')}`);
  }
  return selected;
}

function parseSuiteList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new ConfigError('--suite needs at least one suite name');
  return [...new Set(names)];
}

export interface CliOptions {
  /** Workspace packages whose fresh dist/ the suites import (bin/smoke.mjs decides; RunOptions.publishedPackages). */
  publishedPackages?: PublishedPackage[];
  /** Set when every package the suites import is among them (RunOptions.distCondition). */
  distCondition?: string;
}

export async function main(argv: string[], cliOptions: CliOptions = {}): Promise<number> {
  if (argv[0] === 'merge') return mergeMain(argv.slice(1));
  let args: SmokeArgs;
  try {
    args = parseArgs({ args: argv, options: PARSE_OPTIONS, strict: true, allowPositionals: false }).values as SmokeArgs;
  } catch (err) {
    printErr(`smoke: ${(err as Error).message}\n${USAGE}`);
    return EXIT_CONFIG;
  }
  if (args.help) {
    print(USAGE);
    return EXIT_OK;
  }

  let stack: StackHandle | undefined;
  let stackReadyAt: number | undefined;
  let chromium: Promise<SharedChromium | undefined> | undefined;
  let chromiumReadyAt: number | undefined;
  let stopping: Promise<void> | undefined;
  const stopStackAndBrowser = (): Promise<void> => {
    stopping ??= Promise.all([
      stack?.stop().catch((err: Error) => {
        printErr(`smoke: stopping the reference stack failed: ${err.message}`);
      }),
      chromium?.then((browser) => browser?.stop()),
    ]).then(() => undefined);
    return stopping;
  };
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      printErr('smoke: interrupted, cancelling the run and stopping the stack (Ctrl-C again to force)');
      abort.abort();
    } else {
      void stopStackAndBrowser().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  try {
    const known = discoverSuites();
    if (known.length === 0) throw new ConfigError('no suites found (neither suites/ of the cleanapp-platform workspace nor @cleanapp/smoke-suites); npm install -D @cleanapp/smoke-kit installs them');
    const knownNames = known.map((s) => s.name);
    const checkNames = (names: string[], from: string) => {
      const unknown = names.filter((n) => !knownNames.includes(n));
      if (unknown.length > 0) {
        throw new ConfigError(`unknown suite${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}${from} (known: ${knownNames.join(', ') || 'none'})`);
      }
    };
    const requested = parseSuiteList(args.suite);
    if (requested) checkNames(requested, '');
    const shard = parseShard(args.shard);
    // One Chromium for the run, started alongside the stack (or the target's probes): the browser suites
    // connect to it instead of each launching its own. Should it fail to start, they launch their own.
    if (known.some((s) => s.browser && (requested ?? knownNames).includes(s.name)) && existsSync(chromiumPath())) {
      chromium = startSharedChromium().then(
        (browser) => {
          chromiumReadyAt = performance.now();
          return browser;
        },
        (err: Error) => {
          printErr(`smoke: ${err.message}; the browser suites launch their own`);
          return undefined;
        },
      );
    }

    let target: Target;
    let targetFile: string;
    if (args.target) {
      targetFile = resolve(args.target);
      target = loadTarget(targetFile);
    } else {
      print('smoke: no --target given, starting the embedded reference stack');
      void preloadVitest().catch(() => undefined);
      const stackStarted = performance.now();
      stack = await startReferenceStack();
      stackReadyAt = performance.now();
      print(`smoke: embedded reference stack ready in ${seconds(stackReadyAt - stackStarted)} s`);
      if (abort.signal.aborted) return 130;
      targetFile = stack.targetFile;
      target = parseTarget(stack.target, { source: `reference stack target ${stack.targetFile}` });
    }

    if (!requested && target.suites) checkNames(target.suites, ` in ${targetFile} (suites)`);
    const suites = selectSuites(known, requested ?? target.suites ?? knownNames, args.tag, parseSuiteList(args.service), serviceNames(target));
    const retries = args.retries === undefined ? 0 : Number(args.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 5) throw new ConfigError(`--retries must be an integer from 0 to 5, got ${args.retries}`);
    const needAuth = known.filter((s) => suites.includes(s.name) && s.needsAuth).map((s) => s.name);
    if (needAuth.length > 0 && !target.auth) {
      throw new TargetError(targetFile, [`auth is required by suite${needAuth.length > 1 ? 's' : ''} ${needAuth.join(', ')} (add auth.tokenUrl, auth.clientId, auth.clientSecret)`]);
    }

    void preloadVitest().catch(() => undefined);
    const probes = await probeTarget(target);
    const down = probes.filter((p) => !p.reachable);
    if (down.length > 0) {
      for (const p of down) printErr(`target unreachable: ${p.field === 'rest.baseUrl' ? target.rest.baseUrl : p.url} (${p.reason}) [${p.field}]`);
      return EXIT_CONFIG;
    }
    const tokenProblem = await probeTokenEndpoint(target);
    if (tokenProblem) {
      printErr(`smoke: ${tokenProblem}`);
      return EXIT_CONFIG;
    }
    if (abort.signal.aborted) return 130;

    const reportDir = resolve(args['report-dir'] ?? defaultReportDir);
    const runId = newRunId();
    print(`smoke: target ${target.name} (${target.rest.baseUrl}), suites ${suites.join(', ')}${shard ? `, shard ${shard}` : ''}, run ${runId}`);
    const chromiumEndpoint = known.some((s) => s.browser && suites.includes(s.name)) ? (await chromium)?.endpoint : undefined;
    const checksAt = performance.now();
    const summary = await runSmoke({
      ...(chromiumEndpoint ? { chromiumEndpoint } : {}),
      ...(cliOptions.publishedPackages ? { publishedPackages: cliOptions.publishedPackages, ...(cliOptions.distCondition ? { distCondition: cliOptions.distCondition } : {}) } : {}),
      target,
      suites,
      reportDir,
      runId,
      retries,
      ...(shard ? { shard } : {}),
      ...(args.history ? { history: resolve(args.history) } : {}),
      signal: abort.signal,
      color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      write: print,
    });
    for (const note of summary.historyNotes) printErr(`smoke: history ${note}`);
    print(`smoke: deployed ${describeDeployed(summary.deployed)}`);
    for (const line of deployedText(summary.deployedServices)) print(line);
    const cleanup = await removeSyntheticData(target, runId);
    // The count is the target's answer to the DELETE, not something the runner counted.
    print('removed' in cleanup ? `smoke: the target says it removed ${cleanup.removed} synthetic reports of run ${runId}` : `smoke: synthetic data of run ${runId} kept: ${cleanup.skipped}`);
    const rel = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
    print(`smoke: reports ${rel(summary.junitFile)}, ${rel(summary.resultsFile)}, ${rel(join(dirname(summary.resultsFile), 'report.html'))}`);
    // Where a run's wall time goes (seconds since this process started, tsx start-up included): `pnpm bench` prints it.
    const phases = [stackReadyAt !== undefined ? `stack ready ${seconds(stackReadyAt)}` : '', chromiumReadyAt !== undefined ? `chromium ready ${seconds(chromiumReadyAt)}` : '', `checks ${seconds(checksAt)}–${seconds(checksAt + summary.durationMs)}`, `reports and clean-up done ${seconds(performance.now())}`];
    print(`smoke: timeline: ${phases.filter(Boolean).join(', ')} s`);
    print(`smoke: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${summary.flaky ? `, ${summary.flaky} flaky` : ''} (${(summary.durationMs / 1000).toFixed(1)}s) against ${target.name}`);
    if (abort.signal.aborted || summary.reason === 'interrupted') {
      printErr('smoke: the run was interrupted; the counts above are incomplete');
      return 130;
    }
    return summary.exitCode;
  } catch (err) {
    if (err instanceof TargetError || err instanceof ConfigError) {
      printErr(`smoke: ${err.message}`);
      return EXIT_CONFIG;
    }
    printErr(`smoke: ${(err as Error).stack ?? String(err)}`);
    return EXIT_FAILED;
  } finally {
    await stopStackAndBrowser();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Runs the CLI and exits the process with its exit code (bin/smoke.mjs and `tsx src/cli.ts`). */
export function runCli(argv: string[] = process.argv.slice(2), options: CliOptions = {}): void {
  // `pnpm smoke` runs in packages/smoke-kit; resolve --target/--report-dir against where pnpm was invoked.
  if (process.env.INIT_CWD && process.env.npm_lifecycle_event === 'smoke') process.chdir(process.env.INIT_CWD);
  main(argv, options).then(
    (code) => process.exit(code),
    (err: unknown) => {
      printErr(`smoke: ${(err as Error).stack ?? String(err)}`);
      process.exit(EXIT_FAILED);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) runCli();
