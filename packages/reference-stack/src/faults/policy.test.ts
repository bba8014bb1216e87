// policy-permissive and policy-stale: each makes the decision point disagree with the canonical table,
// the first while still claiming the canonical revision, the second reporting its older one.
import { loadDecisionTable, policyRevision } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../faults.js';
import { canonicalPolicy, PolicyEngine } from '../policy/engine.js';
import { withPolicyFaults } from './policy.js';

const rows = loadDecisionTable();
const disagreements = (engine: PolicyEngine) => rows.filter((r) => (engine.decide(r.input) ? 'allow' : 'deny') !== r.expect).map((r) => r.name);

describe('policy faults', () => {
  it('none: the canonical policy and revision, agreeing with the table', () => {
    const engine = new PolicyEngine(withPolicyFaults(canonicalPolicy(), parseFaults('')));
    expect([engine.revision, disagreements(engine)]).toEqual([policyRevision, []]);
  });

  it('policy-permissive: any admin promotes, under the canonical revision', () => {
    const engine = new PolicyEngine(withPolicyFaults(canonicalPolicy(), parseFaults('policy-permissive')));
    expect(engine.revision).toBe(policyRevision);
    expect(disagreements(engine)).toEqual(['another client with admin promotes a report']);
  });

  it('policy-stale: an older revision that lets any admin promote and delete any synthetic data', () => {
    const engine = new PolicyEngine(withPolicyFaults(canonicalPolicy(), parseFaults('policy-stale')));
    expect(engine.revision).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(engine.revision).not.toBe(policyRevision);
    expect(disagreements(engine)).toEqual([
      'another client with admin promotes a report',
      'admin deletes synthetic reports outside its prefix',
      'admin deletes with a prefix shorter than its own (a superset of its data)',
      'admin deletes every synthetic report (no prefix)',
      'a caller without a synthetic prefix deletes synthetic reports',
    ]);
  });
});
