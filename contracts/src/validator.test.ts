import { describe, expect, it } from 'vitest';
import { OpenApiValidator } from './validator.js';

const v = new OpenApiValidator();

describe('OpenApiValidator', () => {
  it('indexes every operation with its security and responses', () => {
    expect(v.operations.map((o) => o.operationId).sort()).toEqual(
      [
        'deleteSyntheticReports',
        'getHealth',
        'getHealthz',
        'getOpenApiDocument',
        'getReceipt',
        'getReport',
        'getReportCard',
        'getReportPage',
        'getReportSummary',
        'getStats',
        'getVersion',
        'listReportPoints',
        'listReportsNear',
        'promoteReport',
        'submitReport',
      ].sort(),
    );
    expect(v.operation('submitReport').security).toEqual([{ cleanappAuth: ['report:submit'] }]);
    expect(v.operation('getHealth').security).toEqual([]);
    expect(Object.keys(v.operation('submitReport').responses)).toContain('409');
  });

  it('matches paths to operations and decodes path parameters', () => {
    const m = v.match('GET', '/api/v4/reports/rpt_8Zq3nV1kT0aB');
    expect(m && 'operation' in m && m.operation.operationId).toBe('getReport');
    expect(m && 'operation' in m && m.pathParams).toEqual({ public_id: 'rpt_8Zq3nV1kT0aB' });
    expect(v.match('DELETE', '/api/v4/reports/rpt_8Zq3nV1kT0aB')).toEqual({ pathExists: true, allow: ['GET'] });
    expect(v.match('GET', '/api/v4/nope')).toBeUndefined();
    const near = v.match('GET', '/api/v4/reports/near');
    expect(near && 'operation' in near && near.operation.operationId).toBe('listReportsNear');
  });

  it('reports body problems with a location per field', () => {
    const op = v.operation('submitReport');
    expect(v.validateRequest(op, { body: { source_id: 'a', latitude: 1, longitude: 2 } })).toEqual([]);
    const problems = v.validateRequest(op, { body: { source_id: 'a', latitude: 91, extra: true } });
    expect(problems).toEqual(
      expect.arrayContaining([
        { location: 'body/latitude', message: 'must be <= 90' },
        { location: 'body/longitude', message: 'is required' },
        { location: 'body/extra', message: 'is not allowed' },
      ]),
    );
    expect(v.validateRequest(op, {})).toEqual([{ location: 'body', message: 'a JSON request body is required' }]);
  });

  it('refuses non-finite numbers (JSON.parse and query coercion turn 1e400 into Infinity)', () => {
    const submit = v.operation('submitReport');
    expect(v.validateRequest(submit, { body: JSON.parse('{"source_id":"a","latitude":1e400,"longitude":-1e400}') })).toEqual(
      expect.arrayContaining([
        { location: 'body/latitude', message: 'must be a finite number' },
        { location: 'body/longitude', message: 'must be a finite number' },
      ]),
    );
    const near = v.operation('listReportsNear');
    const query = new URLSearchParams({ latitude: '1', longitude: '2', radius_m: '1e400' });
    expect(v.validateRequest(near, { query })).toEqual(expect.arrayContaining([{ location: 'query/radius_m', message: 'must be a finite number' }]));
    expect(v.validateRequest(near, { query: new URLSearchParams({ latitude: '1', longitude: '2', radius_m: '100' }) })).toEqual([]);
  });

  it('validates parameters, including $ref schemas and headers', () => {
    const op = v.operation('getReport');
    expect(v.validateRequest(op, { pathParams: { public_id: 'rpt_8Zq3nV1kT0aB' } })).toEqual([]);
    expect(v.validateRequest(op, { pathParams: { public_id: 'nope' } })[0]?.location).toBe('path/public_id');
    const malformed = v.match('GET', '/api/v4/reports/%zz');
    expect(malformed && 'operation' in malformed && malformed.pathParams).toEqual({ public_id: '%zz' });
    const tooLong = new Headers({ 'x-request-id': 'x'.repeat(200) });
    expect(v.validateRequest(op, { pathParams: { public_id: 'rpt_8Zq3nV1kT0aB' }, headers: tooLong })[0]?.location).toBe('header/X-Request-ID');
  });

  it('validates responses through $ref-ed response objects', () => {
    const envelope = { error: { code: 'conflict', message: 'x', request_id: 'r' } };
    expect(v.validateResponse('submitReport', 409, envelope)).toEqual([]);
    expect(v.validateResponse('submitReport', 409, { error: { code: 'conflict' } })).toEqual(
      expect.arrayContaining([{ location: 'response/body/error/message', message: 'is required' }]),
    );
    expect(v.validateResponse('submitReport', 418, {})[0]?.location).toBe('response/status');
    expect(v.validateResponse('getHealth', 200, {}, 'text/html')[0]?.location).toBe('response/content-type');
  });
});
