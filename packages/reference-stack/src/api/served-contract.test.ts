import { loadOpenApi } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { servedContract } from './served-contract.js';

type Flows = Record<string, { tokenUrl?: string; refreshUrl?: string; authorizationUrl?: string }>;
const flowsOf = (doc: Record<string, unknown>) =>
  Object.values((doc as { components: { securitySchemes: Record<string, { type: string; flows?: Flows }> } }).components.securitySchemes)
    .filter((s) => s.type === 'oauth2')
    .flatMap((s) => Object.values(s.flows ?? {}));

describe('servedContract', () => {
  const served = servedContract({ apiUrl: 'https://api.example/base', tokenUrl: 'https://auth.example/oauth/token', authorizationUrl: 'https://auth.example/oauth/authorize' });

  it('names this deployment as the only server and its issuer endpoints in every OAuth2 flow', () => {
    expect(served.servers).toEqual([{ url: 'https://api.example/base', description: 'This deployment' }]);
    const flows = flowsOf(served);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) expect(flow.tokenUrl).toBe('https://auth.example/oauth/token');
    // The authorization-code flow (public clients): its login page and its refresh endpoint too.
    const code = flows.find((f) => f.authorizationUrl !== undefined);
    expect(code).toMatchObject({ authorizationUrl: 'https://auth.example/oauth/authorize', refreshUrl: 'https://auth.example/oauth/token' });
  });

  // That it is no drift (contract-diff: info only) is what the contracts suite checks against every stack.
  it('leaves the canonical contract (a shared, cached copy) alone', () => {
    expect(flowsOf(loadOpenApi() as Record<string, unknown>).flatMap((f) => [f.tokenUrl, f.authorizationUrl ?? '-'])).toEqual([
      'http://127.0.0.1:8081/oauth/token',
      '-',
      'http://127.0.0.1:8081/oauth/token',
      'http://127.0.0.1:8081/oauth/authorize',
    ]);
  });
});
