import { describe, expect, it } from 'vitest';
import { lintOpenApi, type LintProblem } from '../src/lint/index.js';
import { contractsDir, fixture, SLOW } from './helpers.js';

const lint = (dir: string) => lintOpenApi(fixture(`openapi/${dir}/openapi.yaml`), { cwd: contractsDir });
const at = (file: string, pointer: string, rule: string, message: string): LintProblem => ({
  file: fixture(`openapi/${file}`),
  pointer,
  severity: 'error',
  rule,
  message: expect.stringContaining(message) as unknown as string,
});

describe('lintOpenApi (Redocly + cleanapp rules) on split fixtures', { timeout: SLOW }, () => {
  it('the baseline fixture is clean, so each other fixture reports only its own defect', async () => {
    expect(await lint('valid')).toEqual([]);
  });

  it('reports a dangling $ref in the path file that holds it', async () => {
    expect(await lint('dangling-ref')).toEqual([
      at('dangling-ref/paths/reports.yaml', '/post/requestBody/content/application~1json/schema', 'no-unresolved-refs', 'ReportSubmision.yaml'),
    ]);
  });

  it('reports media type and header examples that break their schema, inside the example, in the file that holds it', async () => {
    expect(await lint('invalid-example')).toEqual([
      // request example in its own file, schema in common/
      at('invalid-example/examples/submission.yaml', '/value/latitude', 'no-invalid-media-type-examples', '`latitude` property must be <= 90'),
      // inline response example in the path file
      at('invalid-example/paths/reports.yaml', '/post/responses/202/content/application~1json/example/seq', 'no-invalid-media-type-examples', 'must be integer'),
      // header examples are ours (Redocly checks parameter examples only)
      at('invalid-example/paths/reports.yaml', '/post/responses/202/headers/Retry-After/example', 'cleanapp/no-invalid-header-examples', 'must be integer'),
    ]);
  });

  it('reports an operation without operationId', async () => {
    expect(await lint('missing-operation-id')).toEqual([
      at('missing-operation-id/paths/reports.yaml', '/post/operationId', 'operation-operationId', 'operationId'),
    ]);
  });

  it('reports error responses that do not use the ErrorEnvelope schema, where the schema is written', async () => {
    expect(await lint('error-not-envelope')).toEqual([
      // a shared response component with an inline schema: reported once, in the component file
      at('error-not-envelope/components/responses/BadRequest.yaml', '/content/application~1json/schema', 'cleanapp/error-responses', 'Error response 400 must use the ErrorEnvelope schema'),
      // a $ref to some other schema
      at('error-not-envelope/paths/reports.yaml', '/post/responses/500/content/application~1json/schema', 'cleanapp/error-responses', 'Error response 500 must use the ErrorEnvelope schema'),
    ]);
  });

  it('reports missing 4xx, missing X-Request-ID and X-Process-Time, implicit security, unknown schemes and scopes', async () => {
    expect(await lint('policy-violations')).toEqual([
      at('policy-violations/paths/reports.yaml', '/delete/security/0/apiKey', 'cleanapp/operation-security', 'Security scheme `apiKey` is not defined'),
      at('policy-violations/paths/reports.yaml', '/get', 'cleanapp/operation-security', 'must declare `security` explicitly'),
      at('policy-violations/paths/reports.yaml', '/get/responses', 'cleanapp/error-responses', 'at least one 4xx response'),
      at('policy-violations/paths/reports.yaml', '/get/responses/200/headers', 'cleanapp/response-process-time', '`X-Process-Time` header'),
      at('policy-violations/paths/reports.yaml', '/post/responses/202', 'cleanapp/response-process-time', '`X-Process-Time` header'),
      at('policy-violations/paths/reports.yaml', '/post/responses/202', 'cleanapp/response-request-id', '`X-Request-ID` header'),
      at('policy-violations/paths/reports.yaml', '/post/security/0/auth/0', 'cleanapp/operation-security', 'Scope `report:write` is not defined by the OAuth2 scheme `auth`'),
    ]);
  });

  it('reports relative OAuth2 flow URLs that do not resolve (against the server URL) to a documented operation, in the file that holds them', async () => {
    const file = 'relative-oauth-url/components/auth.yaml';
    expect(await lint('relative-oauth-url')).toEqual([
      at(file, '/flows/authorizationCode/authorizationUrl', 'cleanapp/oauth-flow-urls', '`/api/reports` resolves against server `http://127.0.0.1:8080/api` to `http://127.0.0.1:8080/api/reports`, which is no documented `GET` operation'),
      at(file, '/flows/clientCredentials/refreshUrl', 'cleanapp/oauth-flow-urls', '`reports` resolves against server `http://127.0.0.1:8080/api` to `http://127.0.0.1:8080/reports`'),
      at(file, '/flows/password/tokenUrl', 'cleanapp/oauth-flow-urls', '`tokenUrl` `/oauth/token` resolves against server `http://127.0.0.1:8080/api` to `http://127.0.0.1:8080/oauth/token`, which is no documented `POST` operation'),
    ]);
  });

  it('reports latency budgets (x-cleanapp-latency) of the wrong shape, on a non-GET operation, or with a baseline that is unknown or not public', async () => {
    const health = 'latency-budgets/paths/health.yaml';
    const stats = 'latency-budgets/paths/stats.yaml';
    const rule = 'cleanapp/latency-budget';
    expect(await lint('latency-budgets')).toEqual([
      at('latency-budgets/openapi.yaml', '/x-cleanapp-latency/gateway', rule, 'Unknown root latency budget `gateway`; known: graphql'),
      at('latency-budgets/openapi.yaml', '/x-cleanapp-latency/graphql/baseline', rule, 'Unknown latency budget key `baseline`'),
      at(health, '/post/x-cleanapp-latency', rule, 'Only GET operations may carry a latency budget'),
      at(stats, '/delete/x-cleanapp-latency', rule, 'needs at least one of p95Ms, p99Ms, overheadMs'),
      at(stats, '/delete/x-cleanapp-latency', rule, 'Only GET operations'),
      at(stats, '/delete/x-cleanapp-latency/baseline', rule, '`baseline` `getStats` is not public'),
      at(stats, '/delete/x-cleanapp-latency/baseline', rule, '`baseline` is only used with `overheadMs`'),
      at(stats, '/delete/x-cleanapp-latency/maxErrorRate', rule, 'between 0 and 1'),
      at(stats, '/get/x-cleanapp-latency/baseline', rule, '`baseline` `getStatz` is no operationId of this contract'),
      at(stats, '/get/x-cleanapp-latency/p90Ms', rule, 'Unknown latency budget key `p90Ms`'),
      at(stats, '/get/x-cleanapp-latency/p95Ms', rule, '`p95Ms` must be above 0 ms'),
    ]);
  });

  it('names the file and line of an unparseable root document', async () => {
    expect(await lint('broken-root')).toEqual([
      { file: fixture('openapi/broken-root/openapi.yaml'), pointer: '', severity: 'error', rule: 'syntax', message: expect.stringMatching(/^line 9, column 1: not parseable as YAML\/JSON/), line: 9, column: 1 },
    ]);
  });

  it('names the file and line of an unparseable split file', async () => {
    const problems = await lint('broken-split');
    expect(problems).toContainEqual({
      file: fixture('openapi/broken-split/paths/reports.yaml'),
      pointer: '',
      severity: 'error',
      rule: 'syntax',
      message: expect.stringMatching(/^line 4, column 3: not parseable as YAML\/JSON/),
      line: 4,
      column: 3,
    });
    expect(problems).toContainEqual(at('broken-split/openapi.yaml', '/paths/~1reports', 'no-unresolved-refs', 'paths/reports.yaml'));
  });
});
