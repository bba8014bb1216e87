import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { stringify } from 'safe-stable-stringify';
import { parseDocument } from 'yaml';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Absolute paths of the policy contract (contracts/policy/) and of its generated revision. */
export const policyPaths = {
  policy: at('../policy/cleanapp.cedar'),
  schema: at('../policy/cleanapp.cedarschema'),
  decisions: at('../policy/decisions.yaml'),
  decisionsSchema: at('../policy/decisions.schema.json'),
  inputSchema: at('../policy/input.schema.json'),
  openapi: at('../policy/openapi.yaml'),
  revision: at('../generated/policy-revision.json'),
} as const;

/** The decision point's query path (OPA-style: POST /v1/data/<path>). */
export const POLICY_DECISION_PATH = 'cleanapp/authz/allow';

export type PolicyAction = 'report:read' | 'report:promote' | 'synthetic:delete';

export interface PolicyPrincipal {
  client_id: string;
  scopes: string[];
  synthetic_prefix?: string;
}

export type PolicyResource =
  | { type: 'report'; public_id?: string; lane: 'publish' | 'quarantine'; submitted_by?: string }
  | { type: 'synthetic'; source_id_prefix?: string };

/** The `input` of a decision request (input.schema.json). */
export interface PolicyInput {
  principal: PolicyPrincipal;
  action: PolicyAction;
  resource: PolicyResource;
}

export interface DecisionRow {
  name: string;
  input: PolicyInput;
  expect: 'allow' | 'deny';
}

/** 200 answer of POST /v1/data/cleanapp/authz/allow. */
export interface PolicyDecision {
  result: boolean;
  decision_id: string;
  revision: string;
}

/** 200 answer of GET /v1/decisions/{decision_id}: one decision-log entry. */
export interface DecisionLogEntry {
  decision_id: string;
  timestamp: string;
  path: typeof POLICY_DECISION_PATH;
  input_digest: string;
  result: boolean;
  revision: string;
  request_id?: string;
}

/** 200 answer of GET /v1/status. */
export interface PolicyStatus {
  revision: string;
  loaded_at: string;
  engine: string;
}

/** A policy file (decision table) that does not match its schema; the message names file and JSON pointer. */
export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    detail: string,
  ) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'PolicyFileError';
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Revision of a policy text: `sha256:` + the first 16 hex of sha256 over it with `\n` line endings. */
export const policyRevisionOf = (text: string) => `sha256:${sha256(text.replace(/\r\n?/g, '\n')).slice(0, 16)}`;

/** `sha256:<hex>` over the input's canonical JSON (safe-stable-stringify: sorted keys): the decision log's input_digest. */
export const policyInputDigest = (input: unknown) => `sha256:${sha256(stringify(input) ?? 'null')}`;

let policyText: string | undefined;
let schemaText: string | undefined;

/** The canonical policy (Cedar text), read once. */
export const loadPolicy = () => (policyText ??= readFileSync(policyPaths.policy, 'utf8'));

/** The Cedar schema the canonical policy is written against, read once. */
export const loadPolicySchema = () => (schemaText ??= readFileSync(policyPaths.schema, 'utf8'));

/** The canonical policy's revision, as `pnpm generate` wrote it to generated/policy-revision.json. */
export const policyRevision: string = (JSON.parse(readFileSync(policyPaths.revision, 'utf8')) as { revision: string }).revision;

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

let validators: { input: ValidateFunction; table: ValidateFunction } | undefined;
function compiled() {
  if (!validators) {
    // discriminator: the resource's `type` picks the branch, so errors name that branch's field, not "oneOf".
    const ajv = new Ajv2020({ allErrors: false, strict: false, discriminator: true });
    ajv.addSchema(readJson(policyPaths.inputSchema));
    validators = {
      input: ajv.getSchema('https://cleanapp.io/contracts/policy/input.schema.json')!,
      table: ajv.compile(readJson(policyPaths.decisionsSchema)),
    };
  }
  return validators;
}

export interface PolicyInputProblem {
  /** JSON pointer inside the input ('' = the input itself). */
  pointer: string;
  message: string;
}

function describe(e: ErrorObject): PolicyInputProblem {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${e.instancePath}/${String(p.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: 'is not a known field' };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer: e.instancePath, message: `must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { pointer: e.instancePath, message: e.message ?? 'is invalid' };
  }
}

const firstProblem = (errors: ErrorObject[] | null | undefined): PolicyInputProblem => {
  const first = (errors ?? []).find((e) => e.keyword !== 'oneOf') ?? errors?.[0];
  return first ? describe(first) : { pointer: '', message: 'is invalid' };
};

/** synthetic:delete acts on `synthetic`, the other actions on a `report` (input.schema.json's description). */
function actionResourceProblem(input: PolicyInput, base = ''): PolicyInputProblem | undefined {
  const wanted = input.action === 'synthetic:delete' ? 'synthetic' : 'report';
  return input.resource.type === wanted ? undefined : { pointer: `${base}/resource/type`, message: `must be "${wanted}" for action ${input.action}` };
}

/** Checks a decision input against input.schema.json; the first problem, or undefined when it is valid. */
export function policyInputProblem(value: unknown): PolicyInputProblem | undefined {
  const validate = compiled().input;
  if (!validate(value)) return firstProblem(validate.errors);
  return actionResourceProblem(value as PolicyInput);
}

/**
 * The canonical decision table (decisions.yaml), or another file in its format, validated against
 * decisions.schema.json. Throws PolicyFileError naming the file and the JSON pointer of the first problem.
 */
export function loadDecisionTable(file: string = policyPaths.decisions): DecisionRow[] {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyFileError(shown, '', `cannot read the file: ${(error as Error).message}`);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) throw new PolicyFileError(shown, '', `not parseable as YAML: ${syntax.message.split('\n')[0]}`);
  const value: unknown = doc.toJS();
  const validate = compiled().table;
  if (!validate(value)) {
    const { pointer, message } = firstProblem(validate.errors);
    throw new PolicyFileError(shown, pointer, message);
  }
  const rows = (value as { rows: DecisionRow[] }).rows;
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const mismatch = actionResourceProblem(row.input, `/rows/${i}/input`);
    if (mismatch) throw new PolicyFileError(shown, mismatch.pointer, mismatch.message);
    if (seen.has(row.name)) throw new PolicyFileError(shown, `/rows/${i}/name`, `duplicate row name ${JSON.stringify(row.name)}`);
    seen.add(row.name);
  });
  return rows;
}

type EntityUid = { type: string; id: string };
/** Cedar's JSON value (a subset of cedar-wasm's CedarValueJson: what the mapping produces). */
type CedarValue = string | boolean | number | CedarValue[] | { __entity: EntityUid };
interface CedarEntity {
  uid: EntityUid;
  attrs: Record<string, CedarValue>;
  parents: EntityUid[];
}

/** A Cedar authorization request (principal, action, resource, context, entities) for @cedar-policy/cedar-wasm's isAuthorized. */
export interface CedarRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: Record<string, never>;
  entities: CedarEntity[];
}

const uid = (type: string, id: string): EntityUid => ({ type: `CleanApp::${type}`, id });
const ref = (u: EntityUid) => ({ __entity: u });

/**
 * Maps a valid decision input onto the entities of cleanapp.cedarschema. Pure data mapping: the decision
 * itself is Cedar's. A synthetic resource is placed in the Namespace of each of its prefixes, which is how
 * "starts with the caller's prefix" becomes Cedar's `in`.
 */
export function cedarRequest(input: PolicyInput): CedarRequest {
  const principal = uid('Client', input.principal.client_id);
  const entities: CedarEntity[] = [];
  const principalAttrs: Record<string, CedarValue> = { scopes: input.principal.scopes };
  if (input.principal.synthetic_prefix !== undefined) principalAttrs.synthetic_namespace = ref(uid('Namespace', input.principal.synthetic_prefix));
  entities.push({ uid: principal, attrs: principalAttrs, parents: [] });

  let resource: EntityUid;
  if (input.resource.type === 'report') {
    resource = uid('Report', input.resource.public_id ?? '');
    const attrs: Record<string, CedarValue> = { lane: input.resource.lane };
    if (input.resource.submitted_by !== undefined) attrs.submitted_by = ref(uid('Client', input.resource.submitted_by));
    // The submitter is referenced by id only; it is the principal's own entity when they are the same client.
    entities.push({ uid: resource, attrs, parents: [] });
  } else {
    const prefix = input.resource.source_id_prefix;
    resource = uid('SyntheticReports', prefix ?? '');
    const parents: EntityUid[] = [];
    for (let n = 1; prefix !== undefined && n <= prefix.length; n++) parents.push(uid('Namespace', prefix.slice(0, n)));
    entities.push({ uid: resource, attrs: {}, parents });
  }
  return { principal, action: uid('Action', input.action), resource, context: {}, entities };
}

/** The argument of @cedar-policy/cedar-wasm's isAuthorized for an input, against a policy text (default: the canonical one). */
export function cedarAuthorizationCall(input: PolicyInput, policy: string = loadPolicy()) {
  // validateRequest: a request that does not fit cleanapp.cedarschema is an error, never a silent deny.
  return { ...cedarRequest(input), policies: { staticPolicies: policy }, schema: loadPolicySchema(), validateRequest: true };
}
