import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import * as oauth from 'oauth4webapi';
import SwaggerClient from 'swagger-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a generic OpenAPI client (Swagger UI, Postman, Portman) does: configure itself from the served
 * contract alone. Only the contract's address and the client credentials come from the target.
 */
let stack: RunningStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

type Flow = { tokenUrl?: string; scopes?: Record<string, string> };
type Scheme = { type: string; flows?: { clientCredentials?: Flow } };
type Operation = { operationId?: string; security?: Record<string, string[]>[] };

/** The OAuth2 client-credentials requirement of an operation, as the contract states it. */
function requirement(spec: Record<string, unknown>, operationId: string): { scheme: string; flow: Flow; scopes: string[] } {
  const paths = spec.paths as Record<string, Record<string, Operation>>;
  const operation = Object.values(paths).flatMap((item) => Object.values(item)).find((op) => op.operationId === operationId);
  const schemes = (spec.components as { securitySchemes: Record<string, Scheme> }).securitySchemes;
  for (const alternative of operation?.security ?? []) {
    for (const [scheme, scopes] of Object.entries(alternative)) {
      const flow = schemes[scheme]?.type === 'oauth2' ? schemes[scheme].flows?.clientCredentials : undefined;
      if (flow) return { scheme, flow, scopes };
    }
  }
  throw new Error(`${operationId} states no OAuth2 client-credentials requirement`);
}

describe('a generic OpenAPI client configured only from the served /api/v4/openapi.json', () => {
  it('swagger-client + oauth4webapi: gets a token from the contract tokenUrl and calls protected operations', async () => {
    const client = await new SwaggerClient({ url: `${stack.target.rest.baseUrl}/api/v4/openapi.json` });
    expect(client.errors).toEqual([]);
    const servers = client.spec.servers as { url: string }[];

    const { scheme, flow, scopes } = requirement(client.spec, 'submitReport');
    // OAS 3.1: a relative URL resolves against the Server Object URL (what a relative tokenUrl did wrong).
    const tokenUrl = new URL(flow.tokenUrl!, servers[0]!.url);
    const as: oauth.AuthorizationServer = { issuer: tokenUrl.origin, token_endpoint: tokenUrl.href };
    const oauthClient: oauth.Client = { client_id: stack.target.auth.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, oauthClient, oauth.ClientSecretBasic(stack.target.auth.clientSecret), new URLSearchParams({ scope: scopes.join(' ') }), {
      [oauth.allowInsecureRequests]: true, // the local stack is plain http
    });
    const token = await oauth.processClientCredentialsResponse(as, oauthClient, response);
    const authorized = { authorized: { [scheme]: { token: { access_token: token.access_token, token_type: token.token_type } } } };

    const report = { source_id: `generic-${stack.id}`, latitude: 52.52, longitude: 13.405, title: 'Tyres in the ditch', synthetic: true };
    // The operation really is protected: the same call without the token is refused.
    const refused = await client.execute({ operationId: 'submitReport', requestBody: report }).catch((e: { status?: number }) => e);
    expect(refused.status).toBe(401);

    const submitted = await client.execute({ operationId: 'submitReport', requestBody: report, securities: authorized });
    expect(submitted.status).toBe(202);
    expect(new URL(submitted.url).origin).toBe(new URL(stack.target.rest.baseUrl).origin);
    const receipt = submitted.body as { receipt_id: string; public_id: string };
    const read = await client.execute({ operationId: 'getReceipt', parameters: { receipt_id: receipt.receipt_id }, securities: authorized });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ receipt_id: receipt.receipt_id, public_id: receipt.public_id });
  });
});
