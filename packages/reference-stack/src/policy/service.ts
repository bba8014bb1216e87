import type { Resolved } from '../deps/resolve.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { withPolicyFaults } from '../faults/policy.js';
import { listen, type Cleanups } from '../http/listen.js';
import { runtimeOf, serviceOps, type ServiceRuntime } from '../ops.js';
import { checkDb, type Database } from '../store/db.js';
import { createPolicyApp } from './app.js';
import { canonicalPolicy, PolicyEngine, type PolicySource } from './engine.js';
import { DecisionLog } from './log.js';

export interface PolicyServiceOptions extends Partial<ServiceRuntime> {
  host: string;
  port: number;
  /** The policy to enforce; default the canonical one from @cleanapp/contracts. */
  policy?: PolicySource;
  faults?: Faults;
}

/** The policy decision point on its own port, its decision log in the stack's database. */
export async function startPolicyService(infra: { db: Database; database: Resolved }, options: PolicyServiceOptions, cleanups: Cleanups): Promise<{ url: string; revision: string }> {
  const engine = new PolicyEngine(withPolicyFaults(options.policy ?? canonicalPolicy(), options.faults ?? NO_FAULTS));
  const ops = serviceOps('policy', runtimeOf(options), { revision: engine.revision, engine: engine.engine, db: infra.database.source }, { db: () => checkDb(infra.db) });
  const server = await listen(options.host, options.port);
  cleanups.push(() => server.close());
  server.mount(createPolicyApp({ engine, log: new DecisionLog(infra.db), ops }));
  return { url: server.url, revision: engine.revision };
}
