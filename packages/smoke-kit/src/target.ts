import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { contractPaths, type SmokeTarget as Target, type SmokeTargetFile, type TestSigningKey } from '@cleanapp/contracts';
import { parse as parseYaml } from 'yaml';
import { registerSecret } from './mask.js';

// One definition: target.schema.json in @cleanapp/contracts, whose generated type the reference stack uses too.
export type { SmokeTarget as Target, TestSigningKey } from '@cleanapp/contracts';

/** JWK members that are private key material: registered as secrets so they are masked everywhere. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

const TEST_KEY_FIELD = 'auth.testSigningKey';
const TEST_KEY_PROBLEM = `${TEST_KEY_FIELD} must be a private JWK: an object with kty and d, or a string holding its JSON`;

/** Parses a string `auth.testSigningKey` (JSON text, usually from `${ENV}`); never echoes the value. */
function normaliseTestSigningKey(target: SmokeTargetFile, problems: string[]): void {
  const auth = target.auth;
  if (!auth || auth.testSigningKey === undefined) return;
  if (auth.testSigningKey === '') {
    // `${CLEANAPP_TEST_SIGNING_KEY:-}` where the environment has no key: the checks that need one are skipped.
    delete auth.testSigningKey;
    return;
  }
  const raw: unknown = auth.testSigningKey;
  if (typeof raw === 'string') registerSecret(raw);
  let jwk: unknown = raw;
  if (typeof raw === 'string') {
    try {
      jwk = JSON.parse(raw);
    } catch (err) {
      problems.push(`${TEST_KEY_FIELD} is not parseable as JSON (${(err as Error).message.replace(/ in JSON.*$/, '').slice(0, 60)})`);
      return;
    }
  }
  const key = jwk as Partial<TestSigningKey> | null;
  if (!key || typeof key !== 'object' || Array.isArray(key) || typeof key.kty !== 'string' || typeof key.d !== 'string' || key.d === '') {
    problems.push(TEST_KEY_PROBLEM);
    return;
  }
  for (const member of PRIVATE_JWK_MEMBERS) if (typeof key[member] === 'string') registerSecret(key[member]);
  registerSecret(JSON.stringify(key));
  auth.testSigningKey = key as TestSigningKey;
}

/** An unusable target; `problems` holds one line per problem, each naming the field. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? `${source}: ${problems[0]}`
        : `${source}: ${problems.length} problems\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

let validator: ValidateFunction | undefined;

function isUrl(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const URL_FORMATS: Record<string, { protocols: string[]; message: string }> = {
  'http-url': { protocols: ['http:', 'https:'], message: 'must be a URL (http:// or https://)' },
  'ws-url': { protocols: ['ws:', 'wss:'], message: 'must be a URL (ws:// or wss://)' },
  'amqp-url': { protocols: ['amqp:', 'amqps:'], message: 'must be a URL (amqp:// or amqps://)' },
};

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(contractPaths.targetSchema, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    for (const [name, { protocols }] of Object.entries(URL_FORMATS)) {
      ajv.addFormat(name, { type: 'string', validate: (v: string) => isUrl(v, protocols) });
    }
    validator = ajv.compile(schema);
  }
  return validator;
}

/** `/rest/baseUrl` → `rest.baseUrl`, `/services/0` → `services[0]`. */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function describe(e: ErrorObject, value: unknown): string {
  switch (e.keyword) {
    case 'required':
      return `${fieldPath(e.instancePath, (e.params as { missingProperty: string }).missingProperty)} is required`;
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> }).properties ?? {}).filter((k) => k !== '$schema');
      return `${fieldPath(e.instancePath, key)} is not a known field (known: ${known.join(', ')})`;
    }
    case 'format': {
      const fmt = URL_FORMATS[(e.params as { format: string }).format];
      return `${fieldPath(e.instancePath)} ${fmt?.message ?? e.message ?? 'has a bad format'}, got ${JSON.stringify(value)}`;
    }
    case 'type':
      return `${fieldPath(e.instancePath)} must be ${(e.params as { type: string }).type}, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`;
    case 'minLength':
      return `${fieldPath(e.instancePath)} must not be empty`;
    case 'not':
      return `${fieldPath(e.instancePath)}: set either environment or nameMap, not both`;
    default:
      return `${fieldPath(e.instancePath)} ${e.message ?? 'is invalid'}`;
  }
}

function valueAt(root: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((acc, key) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` / `${VAR:-default}` in every string value. `$${` escapes a literal `${`.
 * Unset variables (without default) are collected as problems naming the variable and the field.
 */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, problems: string[], path = ''): unknown {
  if (typeof value === 'string') {
    const placeholder = '\u0000ESCAPED\u0000';
    return value
      .replace(/\$\$\{/g, placeholder)
      .replace(ENV_REF, (whole, name: string, fallback: string | undefined) => {
        const v = env[name];
        if (v !== undefined) return v;
        if (fallback !== undefined) return fallback;
        problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
        return whole;
      })
      .split(placeholder)
      .join('${');
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, problems, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, env, problems, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

export interface ParseTargetOptions {
  /** Environment for `${VAR}` expansion (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Name used in error messages (the file path for `loadTarget`). */
  source?: string;
}

/** Validates an in-memory target (after `${ENV}` expansion); throws `TargetError` listing every problem. */
export function parseTarget(input: unknown, options: ParseTargetOptions = {}): Target {
  const source = options.source ?? 'target';
  const problems: string[] = [];
  const expanded = expandEnv(input, options.env ?? process.env, problems);
  const envFields = new Set(problems.map((p) => p.slice(0, p.indexOf(':'))));
  const validate = schemaValidator();
  if (!validate(expanded)) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'if') continue;
      const field = fieldPath(e.instancePath);
      if (envFields.has(field)) continue; // already reported as an unset variable
      if (field === TEST_KEY_FIELD || field.startsWith(`${TEST_KEY_FIELD}.`)) {
        // oneOf (object | JSON text) yields several raw errors; one line, and never the key itself.
        if (!problems.includes(TEST_KEY_PROBLEM)) problems.push(TEST_KEY_PROBLEM);
        continue;
      }
      if (field.startsWith('services')) {
        // oneOf (list | map): report only the branch the value's shape chose, or one line for neither.
        const value = (expanded as { services?: unknown }).services;
        const branch = Array.isArray(value) ? '/oneOf/0/' : value && typeof value === 'object' ? '/oneOf/1/' : undefined;
        if (!branch || e.keyword === 'oneOf') {
          const line = `services must be a list of service names or a map of services, got ${value === null ? 'null' : typeof value}`;
          if (!branch && !problems.includes(line)) problems.push(line);
          continue;
        }
        if (!e.schemaPath.includes(branch)) continue;
      }
      const line = describe(e, valueAt(expanded, e.instancePath));
      if (!problems.includes(line)) problems.push(line);
    }
  }
  if (problems.length === 0) normaliseTestSigningKey(expanded as SmokeTargetFile, problems);
  if (problems.length === 0) {
    const base = (expanded as Target).rest.baseUrl;
    if (/\/api\/v4\/?$/.test(new URL(base).pathname)) {
      problems.push(`rest.baseUrl must be the origin without /api/v4 (contract paths already start with /api/v4), got ${JSON.stringify(base)}`);
    }
  }
  if (problems.length > 0) throw new TargetError(source, problems);
  const target = expanded as Target;
  target.rest.baseUrl = target.rest.baseUrl.replace(/\/+$/, '');
  registerSecret(target.auth?.clientSecret);
  if (target.amqp) {
    const password = new URL(target.amqp.url).password;
    if (password) registerSecret(decodeURIComponent(password));
  }
  return target;
}

/** Reads a target file (JSON or YAML; `.json` is parsed as JSON, anything else as YAML, a JSON superset). */
export function loadTarget(path: string, env: NodeJS.ProcessEnv = process.env): Target {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TargetError(file, [code === 'ENOENT' ? 'target file not found' : `cannot read the target file (${(err as Error).message})`]);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new TargetError(file, [`not parseable as ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TargetError(file, ['the target must be an object with at least name and rest.baseUrl']);
  }
  return parseTarget(raw, { env, source: file });
}
