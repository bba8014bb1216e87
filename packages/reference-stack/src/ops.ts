// What every service of the stack shares at its edge: its /version identity, its /healthz checks, and
// the AUTH_REQUIRED switch (off only for local development).
import type { components } from '@cleanapp/api-client';
import type { Broker } from '@cleanapp/events/node';
import { openAuthorizer, type Authorizer } from './http/auth/index.js';
import { brokerCheck, type Ops } from './http/ops/index.js';
import { checkDb, type Database } from './store/db.js';
import { versionInfo } from './version.js';

export interface ServiceRuntime {
  runtimeMode: components['schemas']['Version']['runtime_mode'];
  /** false: requests without a token are accepted (AUTH_REQUIRED=false, local development only). */
  authRequired: boolean;
}

/** A service's runtime from its options: embedded and auth required unless they say otherwise. */
export const runtimeOf = (options: Partial<ServiceRuntime>): ServiceRuntime => ({ runtimeMode: options.runtimeMode ?? 'embedded', authRequired: options.authRequired ?? true });

/** AUTH_REQUIRED is on unless it says false/0/no/off: a typo never opens a service. */
export const authRequiredFrom = (env: NodeJS.ProcessEnv): boolean => !/^(false|0|no|off)$/i.test((env.AUTH_REQUIRED ?? '').trim());

/** The broker and database of a service that has them, as /healthz dependencies. */
export const infraChecks = (infra: { db: Database; broker: Broker }): Ops['checks'] => ({ amqp: brokerCheck(infra.broker), db: () => checkDb(infra.db) });

/** A service's /healthz and /version; says loudly at start when the service accepts requests without a token. */
export function serviceOps(service: string, runtime: ServiceRuntime, config: Record<string, unknown>, checks: Ops['checks']): Ops {
  if (!runtime.authRequired) {
    // stderr whatever the caller's log: an open service must never start quietly.
    console.error(`[${service}] !!! AUTH_REQUIRED=false: accepting requests WITHOUT a token; local development only, never a shared environment !!!`);
  }
  return { version: versionInfo(service, runtime.runtimeMode, runtime.authRequired, config), checks };
}

/** The verifier as the service applies it: with AUTH_REQUIRED=false, a request without a token passes. */
export const authorizerFor = (verifier: Authorizer, runtime: Pick<ServiceRuntime, 'authRequired'>): Authorizer => (runtime.authRequired ? verifier : openAuthorizer(verifier));
