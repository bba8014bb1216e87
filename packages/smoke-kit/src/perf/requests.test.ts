import { describe, expect, it } from 'vitest';
import { operationRequest } from './requests.js';

describe('operationRequest (from the contract)', () => {
  it('sets required query parameters to the contract\'s examples and asks for the scopes of the first security alternative', () => {
    expect(operationRequest('GET', '/api/v4/reports/near')).toEqual({ method: 'GET', path: '/api/v4/reports/near?latitude=52.52&longitude=13.405', scopes: ['report:read'] });
  });

  it('sends a public operation as is, without scopes', () => {
    expect(operationRequest('GET', '/api/v4/health')).toEqual({ method: 'GET', path: '/api/v4/health', scopes: [] });
  });

  it('fills path parameters from their examples and refuses an operation the contract lacks', () => {
    expect(operationRequest('GET', '/api/v4/reports/{public_id}').path).toMatch(/^\/api\/v4\/reports\/rpt_[A-Za-z0-9]{12}$/);
    expect(() => operationRequest('GET', '/api/v4/nope')).toThrow('the contract has no operation GET /api/v4/nope');
  });
});
