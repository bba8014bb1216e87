import { describe, expect, it } from 'vitest';
import { parseClients } from './services.js';

describe('parseClients', () => {
  it('reads id, secret and space-separated scopes that contain colons', () => {
    expect(parseClients('web:s3cret:report:submit report:read, ops:x:admin,bare:y')).toEqual([
      { clientId: 'web', clientSecret: 's3cret', scopes: ['report:submit', 'report:read'] },
      { clientId: 'ops', clientSecret: 'x', scopes: ['admin'] },
      { clientId: 'bare', clientSecret: 'y', scopes: [] },
    ]);
  });

  it('names a broken entry without printing its secret', () => {
    expect(() => parseClients('lonely')).toThrow('OAUTH_CLIENTS entry "lonely" must be id:secret[:scopes]');
  });
});
