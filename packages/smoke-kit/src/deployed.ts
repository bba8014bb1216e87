import { isProduction, pinProblems, targetServices, type ServiceEndpoint } from './services.js';
import type { Target } from './target.js';

/** What a service says is deployed (`GET /version`). */
export interface Deployed {
  service: string;
  version: string;
  git_sha: string;
  build_time: string;
  auth_required?: boolean;
}

/** One row of the deployed-versions table: a service of the target, what it reported, and what is wrong with that. */
export interface DeployedService {
  /** The service's name in the target. */
  name: string;
  url: string;
  /** Undefined when its /version did not answer with an identity. */
  reported?: Deployed;
  /** Why this row needs a look: no answer, a git sha unlike the others', a pinned version or sha not met, auth off. */
  flags: string[];
}

async function fetchVersion(url: string, timeoutMs: number): Promise<Deployed | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const v = (await res.json()) as Partial<Deployed>;
    if (typeof v.service !== 'string') return undefined;
    return {
      service: v.service,
      version: String(v.version),
      git_sha: String(v.git_sha),
      build_time: String(v.build_time),
      ...(typeof v.auth_required === 'boolean' ? { auth_required: v.auth_required } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Flags each row: no answer; a git sha other than the one most services report (every differing row
 * when no sha is reported by more services than any other); a pin (expectVersion/expectSha) not met;
 * `auth_required: false` (a failure in production, a warning elsewhere — the health suite decides).
 */
export function flagVersions(services: readonly ServiceEndpoint[], reported: readonly (Deployed | undefined)[], target: Pick<Target, 'environment'>): DeployedService[] {
  const counts = new Map<string, number>();
  for (const r of reported) if (r) counts.set(r.git_sha, (counts.get(r.git_sha) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const majority = ranked.length > 1 && ranked[0]![1] > ranked[1]![1] ? ranked[0]![0] : undefined;
  return services.map((s, i) => {
    const r = reported[i];
    const flags: string[] = [];
    if (!r) flags.push(`GET ${s.versionPath} did not answer`);
    else {
      if (ranked.length > 1 && r.git_sha !== majority) flags.push(majority ? `git sha differs from the others' (${majority})` : 'git shas disagree between services');
      flags.push(...pinProblems(s, r));
      if (r.auth_required === false) flags.push(`accepts requests without a token${isProduction(target) ? ' (production: fails the gate)' : ''}`);
    }
    return { name: s.name, url: `${s.baseUrl}${s.versionPath}`, ...(r ? { reported: r } : {}), flags };
  });
}

/** Every service's `/version`, in parallel, flagged (see `flagVersions`). */
export async function deployedVersions(target: Target, timeoutMs = 3000): Promise<DeployedService[]> {
  const services = targetServices(target);
  return flagVersions(services, await Promise.all(services.map((s) => fetchVersion(`${s.baseUrl}${s.versionPath}`, timeoutMs))), target);
}

/** The identity of the service at `rest.baseUrl` (the summary's one-line "Deployed:"). */
export function primaryDeployed(rows: readonly DeployedService[], target: Target): Deployed | undefined {
  return rows.find((r) => r.url.startsWith(`${target.rest.baseUrl}/`))?.reported;
}

export const DEPLOYED_CAPTION = 'Deployed versions, as reported by the target';
export const DEPLOYED_COLUMNS = ['service', 'reports as', 'version', 'git sha', 'built', 'flags'] as const;

/** The table's cells per row (console, Markdown and HTML render the same cells). */
export function deployedCells(rows: readonly DeployedService[]): string[][] {
  return rows.map((row) => {
    const r = row.reported;
    return [row.name, r?.service ?? '?', r?.version ?? '?', r?.git_sha ?? '?', r?.build_time ?? '?', row.flags.length ? `⚠ ${row.flags.join('; ')}` : 'ok'];
  });
}

/** Plain-text table for the console, columns padded. */
export function deployedText(rows: readonly DeployedService[]): string[] {
  const table = [[...DEPLOYED_COLUMNS], ...deployedCells(rows)];
  const widths = DEPLOYED_COLUMNS.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  return [`${DEPLOYED_CAPTION}:`, ...table.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`)];
}

/** Markdown table for `$GITHUB_STEP_SUMMARY`. */
export function deployedMarkdown(rows: readonly DeployedService[]): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `${DEPLOYED_CAPTION}:`,
    '',
    `| ${DEPLOYED_COLUMNS.join(' | ')} |`,
    `|${DEPLOYED_COLUMNS.map(() => '---').join('|')}|`,
    ...deployedCells(rows).map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}
