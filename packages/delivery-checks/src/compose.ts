// Compose files: validated against the compose-spec JSON schema (the copy bundled in dclint, read by file
// path because it is not in dclint's `exports`), then against this repo's policy.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { pointerOf, type Problem } from './problem.js';

const require = createRequire(import.meta.url);
const Ajv = AjvModule.default ?? AjvModule; // ESM/CJS interop

export function composeSchemaPath(): string {
  // dclint's package.json is exported; the schema sits next to it.
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
}

let validator: ValidateFunction | undefined;
function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>;
  // ajv does not know the https draft-07 meta-schema id the file names; the schema itself is draft-07.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  validator = ajv.compile(schema);
  return validator;
}

export interface ParsedCompose {
  file: string;
  doc: Document;
  data: unknown;
  lines: LineCounter;
}

/** Parses YAML the way compose does (YAML 1.2 + `<<` merge keys for x- anchors). */
export function parseCompose(path: string, displayName = path): ParsedCompose | Problem {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    return { file: displayName, pointer: '', line: err.linePos?.[0]?.line, message: `YAML: ${err.message.split('\n')[0]}`, check: 'compose-schema' };
  }
  return { file: displayName, doc, data: doc.toJS({ maxAliasCount: -1 }), lines };
}

const isProblem = (v: ParsedCompose | Problem): v is Problem => 'check' in v;

function lineOf(parsed: ParsedCompose, pointer: string): number | undefined {
  const path = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return parsed.lines.linePos(node.range[0]).line;
    if (n === 0 && parsed.doc.contents && 'range' in parsed.doc.contents && parsed.doc.contents.range) return 1;
  }
  return undefined;
}

function describe(err: ErrorObject): { pointer: string; message: string } {
  const p = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') {
    return { pointer: `${err.instancePath}/${String(p.additionalProperty)}`, message: `unknown key "${String(p.additionalProperty)}" (${err.message})` };
  }
  if (err.keyword === 'enum') return { pointer: err.instancePath, message: `${err.message}: ${JSON.stringify(p.allowedValues)}` };
  return { pointer: err.instancePath, message: err.message ?? err.keyword };
}

/** Schema problems of one parsed compose file (one per distinct pointer+message). */
export function schemaProblems(parsed: ParsedCompose): Problem[] {
  const validate = composeValidator();
  if (validate(parsed.data)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  // oneOf/anyOf branches repeat themselves; the failing leaves are what a reader needs.
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  for (const err of errors.length > 0 ? errors : (validate.errors ?? [])) {
    const { pointer, message } = describe(err);
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file: parsed.file, pointer, line: lineOf(parsed, pointer), message, check: 'compose-schema' });
  }
  return problems;
}

type Service = Record<string, unknown>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A host path that pins the file to one machine: /abs, ~/..., C:\..., \\server\share. */
export const isAbsoluteHostPath = (p: string): boolean => /^(\/|~|[A-Za-z]:[\\/]|\\\\)/.test(p.trim());

/** Short volume syntax `SRC:DST[:MODE]` → SRC when it is a host path (not a named volume). */
function shortVolumeSource(spec: string): string | undefined {
  const parts = spec.split(':');
  if (parts.length < 2) return undefined; // anonymous volume
  // Windows drive letters (C:\x:/y) would split wrongly; treat a one-letter first part as a drive.
  const source = parts[0]!.length === 1 && parts.length > 2 ? `${parts[0]}:${parts[1]}` : parts[0]!;
  return source;
}

/**
 * Repo policy for compose files:
 * - every `depends_on` names a service of the same file, and `service_healthy` targets have a health check;
 * - every service has a `healthcheck` (run-to-completion jobs: `healthcheck: {disable: true}` with
 *   `restart: "no"`, an explicit decision) and a `restart` policy;
 * - no absolute host paths (volumes, build context, env_file): the files must work from any checkout.
 */
export function policyProblems(parsed: ParsedCompose): Problem[] {
  const problems: Problem[] = [];
  const add = (segments: Array<string | number>, message: string) => {
    const pointer = pointerOf(segments);
    problems.push({ file: parsed.file, pointer, line: lineOf(parsed, pointer), message, check: 'compose-policy' });
  };
  const data = parsed.data;
  if (!isObject(data) || !isObject(data.services)) return problems;
  const services = data.services as Record<string, Service>;
  const names = new Set(Object.keys(services));
  for (const [name, svc] of Object.entries(services)) {
    if (!isObject(svc)) continue;
    // depends_on: list or map form.
    const deps = svc.depends_on;
    const depEntries: Array<[string, unknown, Array<string | number>]> = Array.isArray(deps)
      ? deps.map((d, i) => [String(d), undefined, ['services', name, 'depends_on', i]])
      : isObject(deps)
        ? Object.entries(deps).map(([d, v]) => [d, v, ['services', name, 'depends_on', d]])
        : [];
    for (const [dep, spec, at] of depEntries) {
      if (!names.has(dep)) {
        add(at, `depends_on "${dep}", which is not a service of this file (services: ${[...names].join(', ')})`);
        continue;
      }
      if (dep === name) add(at, `service "${name}" depends on itself`);
      const target = services[dep];
      if (isObject(spec) && spec.condition === 'service_healthy' && (!isObject(target?.healthcheck) || target.healthcheck.disable === true)) {
        add(at, `waits for "${dep}" to be healthy, but "${dep}" has no health check`);
      }
    }
    // healthcheck + restart.
    const hc = svc.healthcheck;
    if (!isObject(hc)) {
      add(['services', name], `service "${name}" has no healthcheck`);
    } else if (hc.disable === true && svc.restart !== 'no') {
      add(['services', name, 'healthcheck', 'disable'], `service "${name}" disables its healthcheck; only one-shot services (restart: "no") may`);
    } else if (hc.disable !== true && hc.test === undefined) {
      add(['services', name, 'healthcheck'], `service "${name}" has a healthcheck without a test`);
    }
    if (svc.restart === undefined && !isObject(isObject(svc.deploy) ? svc.deploy.restart_policy : undefined)) {
      add(['services', name], `service "${name}" has no restart policy`);
    }
    // Host paths.
    const volumes = Array.isArray(svc.volumes) ? svc.volumes : [];
    volumes.forEach((v, i) => {
      const source = typeof v === 'string' ? shortVolumeSource(v) : isObject(v) && v.type === 'bind' && typeof v.source === 'string' ? v.source : undefined;
      if (source !== undefined && isAbsoluteHostPath(source)) add(['services', name, 'volumes', i], `absolute host path "${source}"; use a path relative to the compose file or a named volume`);
    });
    const build = svc.build;
    const context = typeof build === 'string' ? build : isObject(build) && typeof build.context === 'string' ? build.context : undefined;
    if (context !== undefined && isAbsoluteHostPath(context)) add(['services', name, 'build', ...(typeof build === 'string' ? [] : ['context'])], `absolute build context "${context}"`);
    const envFiles = typeof svc.env_file === 'string' ? [svc.env_file] : Array.isArray(svc.env_file) ? svc.env_file : [];
    envFiles.forEach((f, i) => {
      const path = typeof f === 'string' ? f : isObject(f) && typeof f.path === 'string' ? f.path : undefined;
      if (path !== undefined && isAbsoluteHostPath(path)) add(['services', name, 'env_file', ...(typeof svc.env_file === 'string' ? [] : [i])], `absolute env_file path "${path}"`);
    });
  }
  return problems;
}

/** Compose files under `dir` (recursive): YAML files whose top level has a `services` map (smoke target files have a list). */
export function findComposeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry)) {
        const doc = parseDocument(readFileSync(full, 'utf8'), { merge: true });
        const has = (key: string, map = false) => isMap(doc.contents) && doc.contents.items.some((p) => isScalar(p.key) && p.key.value === key && (!map || isMap(p.value)));
        // A smoke target has a services map too, but always rest (target.schema.json); compose never does.
        if (has('services', true) && !has('rest')) out.push(full);
      }
    }
  };
  walk(dir);
  return out;
}

/** Schema then policy checks of one compose file; `root` makes the reported file name relative. */
export function checkComposeFile(path: string, root?: string): Problem[] {
  const display = root ? relative(root, path) : path;
  const parsed = parseCompose(path, display);
  if (isProblem(parsed)) return [parsed];
  return [...schemaProblems(parsed), ...policyProblems(parsed)];
}
