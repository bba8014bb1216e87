import { createApiClient, TokenError } from '@cleanapp/api-client';
import type { Target } from './target.js';
import { fetchToken } from './token.js';

export type CleanupResult = { removed: number } | { skipped: string };

/**
 * Removes the synthetic reports one run created (source_id `smoke-<runId>-…`) through the admin API.
 * A target whose client may not use the admin scope keeps them (they are marked synthetic) and the
 * run says so; a clean-up failure never turns a passing run red.
 */
export async function removeSyntheticData(target: Target, runId: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<CleanupResult> {
  if (!target.auth) return { skipped: 'the target has no auth section' };
  let token: string;
  try {
    token = (await fetchToken(target, ['admin'], { fetch: fetchImpl })).accessToken;
  } catch (error) {
    if (error instanceof TokenError && (error.oauthError === 'invalid_scope' || error.status === 400)) {
      return { skipped: 'the client may not use the admin scope' };
    }
    return { skipped: `no admin token: ${(error as Error).message}` };
  }
  const api = createApiClient({ baseUrl: target.rest.baseUrl, token, fetch: fetchImpl });
  try {
    const { data, error, response } = await api.DELETE('/api/v4/admin/reports/synthetic', { params: { query: { source_id_prefix: `smoke-${runId}-` } } });
    if (data) return { removed: data.deleted };
    return { skipped: `DELETE /api/v4/admin/reports/synthetic answered ${response.status}${error ? ` ${error.error.code}` : ''}` };
  } catch (error) {
    return { skipped: `DELETE /api/v4/admin/reports/synthetic failed: ${(error as Error).message}` };
  }
}
