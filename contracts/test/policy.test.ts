// The policy contract (contracts/policy/): the canonical Cedar policy decides every row of the decision
// table as the table says, is valid against its Cedar schema, its generated revision is current, and a
// bad table or input is refused naming the file/field.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAuthorized, validate } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import {
  cedarAuthorizationCall,
  loadDecisionTable,
  loadPolicy,
  loadPolicySchema,
  policyInputDigest,
  policyInputProblem,
  policyPaths,
  policyRevision,
  policyRevisionOf,
  PolicyFileError,
  type PolicyInput,
} from '../src/index.js';
import { lintTargets } from '../src/lint/index.js';
import { contractsDir, SLOW } from './helpers.js';

const decide = (input: PolicyInput, policy?: string) => {
  const answer = isAuthorized(cedarAuthorizationCall(input, policy));
  if (answer.type !== 'success') throw new Error(answer.errors.map((e) => e.message).join('; '));
  expect(answer.response.diagnostics.errors).toEqual([]);
  return answer.response.decision;
};

const rows = loadDecisionTable();

describe('canonical policy and decision table', () => {
  it('covers every case the design names (at least the 11 required rows, allow and deny)', () => {
    expect(rows.length).toBeGreaterThanOrEqual(11);
    expect(new Set(rows.map((r) => r.expect))).toEqual(new Set(['allow', 'deny']));
    expect(new Set(rows.map((r) => r.input.action))).toEqual(new Set(['report:read', 'report:promote', 'synthetic:delete']));
  });

  it.each(rows.map((r) => [r.name, r] as const))('Cedar decides "%s" as the table says', (_name, row) => {
    expect(decide(row.input)).toBe(row.expect);
  });

  it('the table can fail: a policy that lets any admin promote disagrees with it', () => {
    const permissive = loadPolicy().replace('principal == CleanApp::Client::"moderation"', 'principal');
    const disagree = rows.filter((r) => decide(r.input, permissive) !== r.expect).map((r) => r.name);
    expect(disagree).toEqual(['another client with admin promotes a report']);
  });

  it('the policy is valid against cleanapp.cedarschema (strict)', () => {
    const answer = validate({ schema: loadPolicySchema(), policies: { staticPolicies: loadPolicy() }, validationSettings: { mode: 'strict' } });
    expect(answer.type).toBe('success');
    if (answer.type === 'success') expect(answer.validationErrors).toEqual([]);
  });

  it('every row input is valid policy input', () => {
    for (const row of rows) expect(policyInputProblem(row.input), row.name).toBeUndefined();
  });
});

describe('policy revision', () => {
  it('is sha256: + 16 hex over the policy text, as generated', () => {
    expect(policyRevision).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(policyRevisionOf(readFileSync(policyPaths.policy, 'utf8'))).toBe(policyRevision);
  });

  it('ignores line-ending style but not content', () => {
    const text = loadPolicy();
    expect(policyRevisionOf(text.replace(/\n/g, '\r\n'))).toBe(policyRevisionOf(text));
    expect(policyRevisionOf(`${text}// changed\n`)).not.toBe(policyRevisionOf(text));
  });
});

describe('policyInputDigest', () => {
  it('is sha256 over canonical JSON: key order does not matter, values do', () => {
    const a = { action: 'report:read', principal: { scopes: ['report:read'], client_id: 'c' }, resource: { type: 'report', lane: 'publish' } };
    const b = { resource: { lane: 'publish', type: 'report' }, principal: { client_id: 'c', scopes: ['report:read'] }, action: 'report:read' };
    expect(policyInputDigest(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(policyInputDigest(a)).toBe(policyInputDigest(b));
    expect(policyInputDigest({ ...a, action: 'report:promote' })).not.toBe(policyInputDigest(a));
  });
});

describe('policyInputProblem', () => {
  const valid: PolicyInput = { principal: { client_id: 'c', scopes: [] }, action: 'report:read', resource: { type: 'report', lane: 'publish' } };
  it.each([
    ['no principal', { action: 'report:read', resource: valid.resource }, '/principal', 'is required'],
    ['unknown action', { ...valid, action: 'report:burn' }, '/action', 'must be one of'],
    ['bad lane', { ...valid, resource: { type: 'report', lane: 'limbo' } }, '/resource/lane', 'must be one of'],
    ['empty prefix', { ...valid, action: 'synthetic:delete', resource: { type: 'synthetic', source_id_prefix: '' } }, '/resource/source_id_prefix', 'must NOT have fewer'],
    ['action/resource mismatch', { ...valid, action: 'synthetic:delete' }, '/resource/type', 'must be "synthetic"'],
    ['extra field', { ...valid, principal: { client_id: 'c', scopes: [], role: 'x' } }, '/principal/role', 'is not a known field'],
  ])('%s → problem at the field', (_name, input, pointer, message) => {
    const problem = policyInputProblem(input);
    expect(problem?.pointer).toBe(pointer);
    expect(problem?.message).toContain(message);
  });
});

describe('loadDecisionTable on a bad file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decisions-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const errorOf = (file: string) => {
    try {
      loadDecisionTable(file);
    } catch (error) {
      return error as PolicyFileError;
    }
    throw new Error('expected a PolicyFileError');
  };

  it('names the file and the JSON pointer of a bad field', () => {
    const text = readFileSync(policyPaths.decisions, 'utf8').replace('expect: deny', 'expect: maybe');
    const error = errorOf(write('bad-expect.yaml', text));
    expect(error).toBeInstanceOf(PolicyFileError);
    expect(error.message).toMatch(/bad-expect\.yaml#\/rows\/1\/expect: must be one of "allow", "deny"$/);
  });

  it('names a row whose resource does not fit its action', () => {
    const file = write('mismatch.yaml', 'rows:\n  - name: x\n    input: { principal: { client_id: c, scopes: [] }, action: report:promote, resource: { type: synthetic } }\n    expect: deny\n');
    expect(errorOf(file).message).toMatch(/mismatch\.yaml#\/rows\/0\/input\/resource\/type: must be "report" for action report:promote$/);
  });

  it('refuses duplicate row names, unparseable YAML and a missing file', () => {
    const row = '  - name: x\n    input: { principal: { client_id: c, scopes: [] }, action: report:read, resource: { type: report, lane: publish } }\n    expect: deny\n';
    expect(errorOf(write('dup.yaml', `rows:\n${row}${row}`)).message).toMatch(/dup\.yaml#\/rows\/1\/name: duplicate row name "x"/);
    expect(errorOf(write('broken.yaml', 'rows: [\n')).message).toMatch(/broken\.yaml#: not parseable as YAML/);
    expect(errorOf(join(dir, 'absent.yaml')).message).toMatch(/absent\.yaml#: cannot read the file/);
  });
});

describe('the decision point OpenAPI document', () => {
  it('lints clean with the contract rules', { timeout: SLOW }, async () => {
    const problems = await lintTargets([{ kind: 'openapi', path: policyPaths.openapi }], { cwd: contractsDir });
    expect(problems).toEqual([]);
  });
});
