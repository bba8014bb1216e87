// Rules request-property-became-read-only and response-property-became-write-only: readOnly/writeOnly
// judged by the direction the schema is used in.
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/index.js';
import { openapi, verdicts } from './docs.js';

type Obj = Record<string, unknown>;
const model = (flags: Obj = {}): Obj => ({ type: 'object', properties: { id: { type: 'string' }, note: { type: 'string', ...flags } } });
const json = (schema: Obj) => ({ content: { 'application/json': { schema } } });
/** `note` in a schema clients only send (`POST /reports` request body). */
const sent = (flags?: Obj): Obj => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/reports': { post: { requestBody: json(model(flags)), responses: { '204': { description: 'ok' } } } } } });
/** `note` in a schema clients only read. */
const read = (flags?: Obj): Obj => openapi({ responses: { '200': { description: 'ok', ...json(model(flags)) } } });
/** One component used as request body and as response. */
const shared = (flags?: Obj): Obj => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: { '/reports': { post: { requestBody: json({ $ref: '#/components/schemas/Report' }), responses: { '200': { description: 'ok', ...json({ $ref: '#/components/schemas/Report' }) } } } } },
  components: { schemas: { Report: model(flags) } },
});

describe('readOnly / writeOnly by direction', () => {
  it('readOnly in a schema clients send: the server now ignores what they send (breaking)', async () => {
    expect(await verdicts(sent(), sent({ readOnly: true }))).toEqual([['request-property-became-read-only', 'breaking']]);
  });

  it('writeOnly in a schema clients read: they no longer receive it (breaking)', async () => {
    expect(await verdicts(read(), read({ writeOnly: true }))).toEqual([['response-property-became-write-only', 'breaking']]);
  });

  it('twins: readOnly on a response-only schema and writeOnly on a request-only one change nothing for clients', async () => {
    expect(await verdicts(read(), read({ readOnly: true }))).toEqual([['response-optional-property-became-read-only', 'info']]);
    expect(await verdicts(sent(), sent({ writeOnly: true }))).toEqual([['request-optional-property-became-write-only', 'info']]);
  });

  it('a model used both ways that splits by access warns on the wire (oasdiff calls it not breaking), breaks for clients', async () => {
    const clients = await diff(shared(), shared({ writeOnly: true }), { judge: 'clients' });
    expect(clients.changes.map((c) => [c.id, c.level]).sort()).toEqual([
      ['request-optional-property-became-write-only', 'info'],
      ['response-property-became-write-only', 'breaking'],
    ]);
    expect(await verdicts(shared(), shared({ writeOnly: true }))).toEqual([
      ['request-optional-property-became-write-only', 'info'],
      ['response-property-became-write-only', 'warning'],
    ]);
    expect(await verdicts(shared(), shared({ readOnly: true }))).toEqual([
      ['request-property-became-read-only', 'warning'],
      ['response-optional-property-became-read-only', 'info'],
    ]);
  });
});
