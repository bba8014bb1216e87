// The policy decision point's deliberate faults (src/faults.ts): it enforces another policy than the
// canonical one, either claiming the canonical revision (policy-permissive) or honestly reporting an older
// one (policy-stale: an "OPAL sync" that never happened).
import { policyRevisionOf } from '@cleanapp/contracts';
import type { Faults } from '../faults.js';
import type { PolicySource } from '../policy/engine.js';

const MODERATION_ONLY = 'principal == CleanApp::Client::"moderation", action == CleanApp::Action::"report:promote"';

/**
 * The policy as it was before moderation was a client of its own and synthetic data had owners: any admin
 * promotes and deletes any synthetic data. Valid against today's schema, so only its decisions and its
 * revision give it away.
 */
export const STALE_POLICY = `// CleanApp authorization policy (an older revision).
@id("read-published")
permit (principal, action == CleanApp::Action::"report:read", resource is CleanApp::Report)
when { principal.scopes.contains("report:read") && resource.lane == "publish" };

@id("read-own-quarantined")
permit (principal, action == CleanApp::Action::"report:read", resource is CleanApp::Report)
when { principal.scopes.contains("report:read") && resource.lane == "quarantine" && resource has submitted_by && resource.submitted_by == principal };

@id("promote-by-admin")
permit (principal, action == CleanApp::Action::"report:promote", resource is CleanApp::Report)
when { principal.scopes.contains("admin") };

@id("delete-synthetic-by-admin")
permit (principal, action == CleanApp::Action::"synthetic:delete", resource is CleanApp::SyntheticReports)
when { principal.scopes.contains("admin") };
`;

/** The policy the decision point loads, with the given faults applied (unchanged for none). */
export function withPolicyFaults(source: PolicySource, faults: Faults): PolicySource {
  if (faults.has('policy-stale')) return { text: STALE_POLICY, revision: policyRevisionOf(STALE_POLICY) };
  if (faults.has('policy-permissive')) {
    if (!source.text.includes(MODERATION_ONLY)) throw new Error('policy-permissive: the canonical policy no longer restricts promotion to the moderation client the way this fault expects');
    // Any admin may promote, yet /v1/status and every decision still name the canonical revision.
    return { text: source.text.replace(MODERATION_ONLY, 'principal, action == CleanApp::Action::"report:promote"'), revision: source.revision };
  }
  return source;
}
