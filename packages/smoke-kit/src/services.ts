import type { TargetService } from '@cleanapp/contracts';
import type { Target } from './target.js';

/** One service of the target as the health sweep and the run summary reach it (defaults filled in). */
export interface ServiceEndpoint {
  name: string;
  baseUrl: string;
  healthPath: string;
  versionPath: string;
  /** Most milliseconds GET healthPath may take, round trip. */
  budgetMs: number;
  tags: string[];
  expectVersion?: string;
  expectSha?: string;
}

export const DEFAULT_HEALTH_BUDGET_MS = 2000;

/** Names of the services the target runs (list or map form); undefined when it does not say. */
export function serviceNames(target: Target): string[] | undefined {
  const services = target.services;
  if (services === undefined) return undefined;
  return Array.isArray(services) ? services : Object.keys(services);
}

/**
 * Every service to sweep: the `services` map, or — for a target with only a list of names or none
 * (older files) — the API at `rest.baseUrl`, the one service such a file locates.
 */
export function targetServices(target: Target): ServiceEndpoint[] {
  const map: Record<string, TargetService> =
    target.services && !Array.isArray(target.services) ? target.services : { api: { baseUrl: target.rest.baseUrl } };
  return Object.entries(map).map(([name, s]) => {
    const expectVersion = s.expectVersion ?? target.expectVersion;
    const expectSha = s.expectSha ?? target.expectSha;
    return {
      name,
      baseUrl: s.baseUrl.replace(/\/+$/, ''),
      healthPath: s.healthPath ?? '/healthz',
      versionPath: s.versionPath ?? '/version',
      budgetMs: s.budgetMs ?? DEFAULT_HEALTH_BUDGET_MS,
      tags: s.tags ?? [],
      ...(expectVersion ? { expectVersion } : {}),
      ...(expectSha ? { expectSha } : {}),
    };
  });
}

/** A short sha pins a long one and vice versa (`abc1234` matches `abc1234def…`), case-insensitively. */
export function shaMatches(expected: string, actual: string): boolean {
  const [a, b] = [expected.toLowerCase(), actual.toLowerCase()];
  return a.length > 0 && b.length > 0 && (a.startsWith(b) || b.startsWith(a));
}

/** How what a service reports differs from what the target pins (expectVersion, expectSha); empty when it agrees. */
export function pinProblems(service: Pick<ServiceEndpoint, 'expectVersion' | 'expectSha'>, reported: { version: string; git_sha: string }): string[] {
  const problems: string[] = [];
  if (service.expectVersion !== undefined && reported.version !== service.expectVersion) problems.push(`version ${reported.version}, expected ${service.expectVersion}`);
  if (service.expectSha !== undefined && !shaMatches(service.expectSha, reported.git_sha)) problems.push(`git sha ${reported.git_sha}, expected ${service.expectSha}`);
  return problems;
}

/** Whether a target says it is production: there a service without auth fails the health gate. */
export const isProduction = (target: Pick<Target, 'environment'>): boolean => /^prod(uction)?$/.test(target.environment ?? '');
