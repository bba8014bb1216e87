import { loadOpenApi } from '@cleanapp/contracts';

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ServedContractOptions {
  /** The API's public base URL: the only `servers` entry, so generic clients call this deployment. */
  apiUrl: string;
  /** The token endpoint clients reach: every OAuth2 flow's `tokenUrl` and `refreshUrl` (the canonical one names the reference stack's issuer). */
  tokenUrl: string;
  /** The authorization endpoint browser and mobile apps are sent to: every flow's `authorizationUrl`. */
  authorizationUrl: string;
}

/**
 * The bundled contract as this deployment serves it at /api/v4/openapi.json: generic OpenAPI clients
 * (Swagger UI, Postman, swagger-client) configure themselves from it, so it names the real API and token
 * endpoints. contract-diff reports the rewrites as `info` only (servers are not compared; a changed
 * `tokenUrl` is `api-security-component-oauth-token-url-changed`, an `authorizationUrl` `…-oauth-url-changed`), so the contracts suite sees no drift.
 */
export function servedContract(options: ServedContractOptions): Node {
  const served = loadOpenApi() as Node;
  served.servers = [{ url: options.apiUrl, description: 'This deployment' }];
  const schemes = isObject(served.components) && isObject(served.components.securitySchemes) ? served.components.securitySchemes : {};
  for (const scheme of Object.values(schemes)) {
    if (!isObject(scheme) || scheme.type !== 'oauth2' || !isObject(scheme.flows)) continue;
    for (const flow of Object.values(scheme.flows)) {
      if (!isObject(flow)) continue;
      if ('tokenUrl' in flow) flow.tokenUrl = options.tokenUrl;
      if ('refreshUrl' in flow) flow.refreshUrl = options.tokenUrl;
      if ('authorizationUrl' in flow) flow.authorizationUrl = options.authorizationUrl;
    }
  }
  return served;
}
