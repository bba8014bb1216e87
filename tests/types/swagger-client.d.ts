// swagger-client ships no types: the part of its API the generic-client test uses.
declare module 'swagger-client' {
  interface SwaggerResponse {
    status: number;
    ok: boolean;
    url: string;
    body: unknown;
  }
  interface ExecuteOptions {
    operationId: string;
    parameters?: Record<string, unknown>;
    requestBody?: unknown;
    /** Credentials per security scheme name; OAuth2: `{ token: { access_token, token_type? } }`. */
    securities?: { authorized: Record<string, unknown> };
  }
  interface SwaggerClientInstance {
    spec: Record<string, unknown>;
    errors: unknown[];
    execute(options: ExecuteOptions): Promise<SwaggerResponse>;
  }
  const SwaggerClient: {
    new (options: { url: string } | { spec: object }): Promise<SwaggerClientInstance>;
  };
  export default SwaggerClient;
}
