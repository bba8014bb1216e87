import type { LatencyBudget, SmokeTargetFile, TargetLatency, TargetService, TestSigningKey } from './generated/target.js';

export type { LatencyBudget, SmokeTargetFile, TargetLatency, TargetService, TestSigningKey };

/**
 * A smoke target as suites use it: the file (target.schema.json) after `${ENV}` expansion and
 * validation, with an `auth.testSigningKey` given as JSON text parsed into the JWK.
 */
export type SmokeTarget = Omit<SmokeTargetFile, 'auth'> & {
  auth?: Omit<NonNullable<SmokeTargetFile['auth']>, 'testSigningKey'> & { testSigningKey?: TestSigningKey };
};
