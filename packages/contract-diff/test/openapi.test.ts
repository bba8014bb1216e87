import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diff, diffSources, parseConfig, parseIgnore, type Change } from '../src/index.js';

type Obj = Record<string, unknown>;

/** A one-operation OpenAPI document; `version` picks 3.0 or 3.1 idioms. */
function api(op: Obj, components: Obj = {}, version = '3.1.0', extra: Obj = {}): Obj {
  return { openapi: version, info: { title: 't', version: '1' }, paths: { '/reports/{id}': { post: op } }, components, ...extra };
}

function body(schema: Obj, required = true): Obj {
  return { requestBody: { required, content: { 'application/json': { schema } } }, responses: { '200': { description: 'ok' } } };
}

function response(schema: Obj, status = '200'): Obj {
  return { responses: { [status]: { description: 'ok', content: { 'application/json': { schema } } } } };
}

const ids = (changes: Change[]): string[] => changes.map((c) => c.id).sort();
const obj = (properties: Obj, required: string[] = []): Obj => ({ type: 'object', properties, required });

describe('direction awareness', () => {
  it('removing a required property breaks readers (response) but not writers (request)', async () => {
    const before = obj({ a: { type: 'string' }, b: { type: 'string' } }, ['a', 'b']);
    const after = obj({ a: { type: 'string' } }, ['a']);
    const res = await diff(api(response(before)), api(response(after)));
    expect(res.changes).toEqual([
      expect.objectContaining({ id: 'response-required-property-removed', level: 'breaking', operation: 'POST', path: '/reports/{id}' }),
    ]);
    const req = await diff(api(body(before)), api(body(after)));
    expect(ids(req.changes)).toEqual(['request-property-removed']);
    expect(req.summary).toEqual({ breaking: 0, warning: 1, info: 0 });
  });

  it('narrowing input is breaking, widening it is not; the mirror holds for output', async () => {
    const narrow = [{ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }] as const;
    const reqNarrow = await diff(api(body(obj({ n: narrow[0] }))), api(body(obj({ n: narrow[1] }))));
    expect(reqNarrow.changes.map((c) => [c.id, c.level])).toEqual([['request-property-max-length-decreased', 'breaking']]);
    const reqWiden = await diff(api(body(obj({ n: narrow[1] }))), api(body(obj({ n: narrow[0] }))));
    expect(reqWiden.summary.breaking).toBe(0);
    const resWiden = await diff(api(response(obj({ n: narrow[1] }))), api(response(obj({ n: narrow[0] }))));
    expect(resWiden.changes.map((c) => [c.id, c.level])).toEqual([['response-property-max-length-increased', 'breaking']]);
  });

  it('enum: removing a value a client may send breaks; adding one to a response warns', async () => {
    const e1 = { type: 'string', enum: ['publish', 'quarantine'] };
    const e2 = { type: 'string', enum: ['publish', 'hold'] };
    const req = await diff(api(body(obj({ lane: e1 }))), api(body(obj({ lane: e2 }))));
    expect(req.changes.map((c) => [c.id, c.level])).toEqual([
      ['request-property-enum-value-removed', 'breaking'],
      ['request-property-enum-value-added', 'info'],
    ]);
    const res = await diff(api(response(obj({ lane: e1 }))), api(response(obj({ lane: e2 }))));
    expect(res.changes.map((c) => [c.id, c.level])).toEqual([
      ['response-property-enum-value-added', 'warning'],
      ['response-property-enum-value-removed', 'info'],
    ]);
    const open = await diff(api(response(obj({ lane: e1 }))), api(response(obj({ lane: { type: 'string' } }))));
    expect(open.changes.map((c) => [c.id, c.level])).toEqual([['response-property-enum-removed', 'warning']]);
    expect((await diff(api(body(obj({ lane: e1 }))), api(body(obj({ lane: { type: 'string' } }))))).changes).toEqual([]);
  });

  it('new required request property breaks, a readOnly one does not', async () => {
    const r = await diff(
      api(body(obj({ a: { type: 'string' } }))),
      api(body(obj({ a: { type: 'string' }, b: { type: 'string' }, id: { type: 'string', readOnly: true } }, ['b', 'id']))),
    );
    expect(ids(r.changes)).toEqual(['new-required-request-property']);
  });
});

describe('types, nullability and composition', () => {
  it('3.0 nullable and 3.1 type arrays mean the same thing', async () => {
    const r30 = await diff(api(response(obj({ x: { type: 'string' } })), {}, '3.0.3'), api(response(obj({ x: { type: 'string', nullable: true } })), {}, '3.0.3'));
    const r31 = await diff(api(response(obj({ x: { type: 'string' } }))), api(response(obj({ x: { type: ['string', 'null'] } }))));
    expect(ids(r30.changes)).toEqual(['response-property-became-nullable']);
    expect(ids(r31.changes)).toEqual(['response-property-became-nullable']);
    expect(r31.changes[0]!.level).toBe('breaking');
  });

  it('migrating 3.0 → 3.1 idioms (nullable, boolean exclusive bounds, oneOf of types) is not a change', async () => {
    const v30 = obj({
      note: { type: 'string', nullable: true },
      score: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 },
      id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    });
    const v31 = obj({
      note: { type: ['string', 'null'] },
      score: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      id: { type: ['integer', 'string'] },
    });
    expect((await diff(api(body(v30), {}, '3.0.3'), api(body(v31)))).changes).toEqual([]);
    expect((await diff(api(response(v30), {}, '3.0.3'), api(response(v31)))).changes).toEqual([]);
  });

  it('wrapping a $ref in oneOf with null is nullability, not a composition change', async () => {
    const comps = { schemas: { R: obj({ a: { type: 'string' } }) } };
    const r = await diff(api(body({ $ref: '#/components/schemas/R' }), comps), api(body({ oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/R' }] }), comps));
    expect(ids(r.changes)).toEqual(['request-body-became-nullable']);
  });

  it('integer → number generalizes a request and breaks a response', async () => {
    const req = await diff(api(body(obj({ n: { type: 'integer' } }))), api(body(obj({ n: { type: 'number' } }))));
    expect(req.changes.map((c) => [c.id, c.level])).toEqual([['request-property-type-generalized', 'info']]);
    const res = await diff(api(response(obj({ n: { type: 'integer' } }))), api(response(obj({ n: { type: 'number' } }))));
    expect(res.changes.map((c) => [c.id, c.level])).toEqual([['response-property-type-generalized', 'breaking']]);
  });

  it('typing an "any" request schema narrows it; untyping a response widens it', async () => {
    const req = await diff(api(body(obj({ meta: { description: 'free-form' } }))), api(body(obj({ meta: { type: 'object' } }))));
    expect(req.changes.map((c) => [c.id, c.level])).toEqual([['request-property-type-changed', 'breaking']]);
    const res = await diff(api(response(obj({ meta: { type: 'string' } }))), api(response(obj({ meta: {} }))));
    expect(res.changes.map((c) => [c.id, c.level])).toEqual([['response-property-type-generalized', 'breaking']]);
    // The opposite directions are widening/narrowing in the harmless sense.
    expect((await diff(api(body(obj({ meta: { type: 'object' } }))), api(body(obj({ meta: {} }))))).changes).toEqual([]);
  });

  it('oneOf alternatives are matched by $ref: adding one to a response breaks readers', async () => {
    const comps = { schemas: { A: obj({ a: { type: 'string' } }), B: obj({ b: { type: 'string' } }) } };
    const r = await diff(
      api(response({ oneOf: [{ $ref: '#/components/schemas/A' }] }), comps),
      api(response({ oneOf: [{ $ref: '#/components/schemas/B' }, { $ref: '#/components/schemas/A' }] }), comps),
    );
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([['response-body-one-of-added', 'breaking']]);
  });

  it('extracting properties into an allOf base schema is a refactoring, not a change', async () => {
    const inline = obj({ a: { type: 'string' }, b: { type: 'integer' } }, ['a']);
    const comps = { schemas: { Base: obj({ a: { type: 'string' } }, ['a']) } };
    const extracted = { allOf: [{ $ref: '#/components/schemas/Base' }, obj({ b: { type: 'integer' } })] };
    expect((await diff(api(body(inline)), api(body(extracted), comps))).changes).toEqual([]);
    expect((await diff(api(response(inline)), api(response(extracted), comps))).changes).toEqual([]);
  });

  it('properties contributed by allOf members are compared on the merged object', async () => {
    const comps = (req: string[]): Obj => ({ schemas: { Base: obj({ a: { type: 'string' }, b: { type: 'string' } }, req) } });
    const schema = { allOf: [{ $ref: '#/components/schemas/Base' }, obj({ c: { type: 'string' } })] };
    const r = await diff(api(response(schema), comps(['a', 'b'])), api(response(schema), comps(['a'])));
    expect(r.changes.map((c) => [c.id, c.location.split(' ').pop()])).toEqual([['response-property-became-optional', '/b']]);
    // Adding a member with new constraints is still the allOf rule oasdiff has (request: breaking).
    const added = await diff(api(body(schema), comps(['a'])), api(body({ allOf: [...schema.allOf, obj({ d: { type: 'string' } }, ['d'])] }), comps(['a'])));
    expect(added.changes.map((c) => [c.id, c.level])).toEqual([
      ['request-body-all-of-added', 'breaking'],
      ['new-required-request-property', 'breaking'],
    ]);
  });

  it('reports discriminator changes and property deprecation without calling them breaking', async () => {
    const comps = { schemas: { Litter: obj({ kind: { type: 'string' } }), Hazard: obj({ kind: { type: 'string' } }) } };
    const poly = (mapping: Obj, deprecated: boolean): Obj => ({
      oneOf: [{ $ref: '#/components/schemas/Litter' }, { $ref: '#/components/schemas/Hazard' }],
      discriminator: { propertyName: 'kind', mapping },
      properties: { note: { type: 'string', deprecated } },
    });
    const r = await diff(
      api(response(poly({ litter: '#/components/schemas/Litter', hazard: '#/components/schemas/Hazard' }, false)), comps),
      api(response(poly({ litter: '#/components/schemas/Litter' }, true)), comps),
    );
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([
      ['response-body-discriminator-mapping-deleted', 'info'],
      ['response-property-deprecated', 'info'],
    ]);
  });

  it('terminates on recursive schemas and still reports changes inside them', async () => {
    const node = (t: string): Obj => ({ schemas: { Node: obj({ name: { type: t }, next: { $ref: '#/components/schemas/Node' } }) } });
    const r = await diff(api(response({ $ref: '#/components/schemas/Node' }), node('string')), api(response({ $ref: '#/components/schemas/Node' }), node('integer')));
    expect(r.changes.map((c) => [c.id, c.location.split(' ').pop()])).toEqual([['response-property-type-changed', '/name']]);
  });
});

describe('endpoints, parameters and security', () => {
  it('renaming a path template variable alone is not a change', async () => {
    const p = (name: string): Obj => ({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { [`/r/{${name}}`]: { get: { parameters: [{ in: 'path', name, required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } },
    });
    expect((await diff(p('id'), p('reportId'))).changes).toEqual([]);
  });

  it('removing an endpoint breaks unless it was deprecated', async () => {
    const two = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: {} } }, '/b': { get: { deprecated: true, responses: {} } } } };
    const none = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
    const r = await diff(two, none);
    expect(r.changes.map((c) => [c.id, c.path, c.level])).toEqual([
      ['api-path-removed-without-deprecation', '/a', 'breaking'],
      ['api-path-removed-with-deprecation', '/b', 'info'],
    ]);
  });

  it('parameters are matched by location and name; a new required query parameter breaks', async () => {
    const op = (params: Obj[]): Obj => ({ parameters: params, responses: { '200': { description: 'ok' } } });
    const r = await diff(
      api(op([{ in: 'query', name: 'limit', schema: { type: 'integer', maximum: 100 } }])),
      api(op([{ in: 'query', name: 'limit', schema: { type: 'integer', maximum: 50 } }, { in: 'query', name: 'cursor', required: true, schema: { type: 'string' } }])),
    );
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([
      ['new-required-request-parameter', 'breaking'],
      ['request-parameter-max-decreased', 'breaking'],
    ]);
  });

  it('ignores Accept/Content-Type/Authorization header parameters, as the OpenAPI spec says', async () => {
    const op = (params: Obj[]): Obj => ({ parameters: params, responses: {} });
    const r = await diff(api(op([{ in: 'header', name: 'Authorization', required: true, schema: { type: 'string' } }])), api(op([])));
    expect(r.changes).toEqual([]);
  });

  it('changing how a parameter is serialized (style/explode) breaks clients; spelling out the default does not', async () => {
    const op = (p: Obj): Obj => ({ parameters: [{ in: 'query', name: 'tags', schema: { type: 'array', items: { type: 'string' } }, ...p }], responses: {} });
    expect((await diff(api(op({})), api(op({ style: 'form', explode: true })))).changes).toEqual([]);
    const r = await diff(api(op({})), api(op({ explode: false })));
    expect(r.changes.map((c) => [c.id, c.level, c.message])).toEqual([
      ['request-parameter-serialization-changed', 'breaking', 'request parameter style/explode changed: query parameter tags: style/explode form/true → form/false'],
    ]);
  });

  it('closing a request object (additionalProperties: false) warns', async () => {
    const r = await diff(api(body(obj({ a: { type: 'string' } }))), api(body({ ...obj({ a: { type: 'string' } }), additionalProperties: false })));
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([['request-body-additional-properties-closed', 'warning']]);
  });

  it('security: a new scope on an operation breaks, a new alternative does not', async () => {
    const op = (security: Obj[]): Obj => ({ security, responses: { '200': { description: 'ok' } } });
    const scope = await diff(api(op([{ bearer: ['report:read'] }])), api(op([{ bearer: ['report:read', 'admin'] }])));
    expect(scope.changes.map((c) => [c.id, c.level])).toEqual([['api-security-scope-added', 'breaking']]);
    const alt = await diff(api(op([{ bearer: ['report:read'] }])), api(op([{ bearer: ['report:read'] }, { apiKey: [] }])));
    expect(alt.changes.map((c) => [c.id, c.level])).toEqual([['api-security-added', 'info']]);
    const global = await diff(api({ responses: {} }), api({ responses: {} }, {}, '3.1.0', { security: [{ bearer: [] }] }));
    expect(global.changes.map((c) => [c.id, c.level])).toEqual([['api-global-security-added', 'breaking']]);
  });

  it('response status and media types', async () => {
    const r = await diff(
      api({ responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } }, '404': { description: 'nf' } } }),
      api({ responses: { '201': { description: 'ok' } } }),
    );
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([
      ['response-success-status-removed', 'breaking'],
      ['response-success-status-added', 'info'],
      ['response-non-success-status-removed', 'info'],
    ]);
  });
});

describe('response status ranges', () => {
  it('200 → 2XX is the same response, still compared by content', async () => {
    const res = (status: string, req: string[]): Obj => ({ responses: { [status]: { description: 'ok', content: { 'application/json': { schema: obj({ a: { type: 'string' }, b: { type: 'string' } }, req) } } } } });
    expect((await diff(api(res('200', ['a'])), api(res('2XX', ['a'])))).changes).toEqual([]);
    const r = await diff(api(res('200', ['a', 'b'])), api(res('2XX', ['a'])));
    expect(r.changes.map((c) => [c.id, c.location])).toEqual([['response-property-became-optional', 'POST /reports/{id} response 200 application/json /b']]);
  });
});

describe('callbacks', () => {
  it('compare the callback request as something clients read', async () => {
    const op = (props: Obj, req: string[]): Obj => ({
      responses: {},
      callbacks: {
        rendered: {
          '{$request.body#/callbackUrl}': {
            post: { requestBody: { content: { 'application/json': { schema: obj(props, req) } } }, responses: { '200': { description: 'ok' } } },
          },
        },
      },
    });
    const r = await diff(api(op({ id: { type: 'string' }, seq: { type: 'integer' } }, ['id', 'seq'])), api(op({ id: { type: 'string' } }, ['id'])));
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([
      ['response-required-property-removed', 'breaking', 'POST /reports/{id} callback rendered POST {$request.body#/callbackUrl} request body application/json /seq'],
    ]);
    const gone = await diff(api(op({}, [])), api({ responses: {} }));
    expect(gone.changes.map((c) => [c.id, c.level])).toEqual([['api-callback-removed', 'warning']]);
  });
});

describe('media types', () => {
  it('adding a charset parameter is not a media type change; schemas are still compared', async () => {
    const res = (mt: string, t: string): Obj => ({ responses: { '200': { description: 'ok', content: { [mt]: { schema: obj({ n: { type: t } }) } } } } });
    expect((await diff(api(res('application/json', 'string')), api(res('application/json; charset=utf-8', 'string')))).changes).toEqual([]);
    const r = await diff(api(res('application/json', 'string')), api(res('application/json; charset=utf-8', 'integer')));
    expect(r.changes.map((c) => c.id)).toEqual(['response-property-type-changed']);
  });
});

describe('refs across files', () => {
  const fixtures = new URL('./fixtures/split/', import.meta.url);

  it('follows relative refs from each document location, cycle-safe', async () => {
    const r = await diffSources(fileURLToPath(new URL('base/openapi.yaml', fixtures)), fileURLToPath(new URL('revision/openapi.yaml', fixtures)));
    // seq removed from the referenced file; Node.name (in a recursive $defs) became nullable; the
    // renamed path variable (declared in a third file) is not a change.
    expect(r.changes.map((c) => [c.id, c.location])).toEqual([
      ['response-property-became-nullable', 'GET /reports/{id} response 200 application/json /parent/name'],
      ['response-required-property-removed', 'GET /reports/{id} response 200 application/json /seq'],
    ]);
  });

  it('treats a dangling ref as opaque instead of failing', async () => {
    const doc = api(response(obj({ a: { $ref: '#/components/schemas/Missing' } })));
    expect((await diff(doc, structuredClone(doc))).changes).toEqual([]);
  });
});

describe('config and ignore', () => {
  const before = api(response(obj({ a: { type: 'string' }, b: { type: 'string' } }, ['a', 'b'])));
  const after = api(response(obj({ a: { type: 'string' } }, ['a'])));

  it('overrides a rule level or turns it off', async () => {
    const lowered = await diff(before, after, { config: parseConfig({ rules: { 'response-required-property-removed': 'warning' } }, 'cfg') });
    expect(lowered.summary).toEqual({ breaking: 0, warning: 1, info: 0 });
    const off = await diff(before, after, { config: parseConfig({ rules: { 'response-required-property-removed': 'off' } }, 'cfg') });
    expect(off.changes).toEqual([]);
  });

  it('rejects unknown rule ids and levels so typos do not silently pass', () => {
    expect(() => parseConfig({ rules: { 'response-required-property-remved': 'info' } }, 'cfg.yaml')).toThrow(/unknown rule id/);
    expect(() => parseConfig({ rules: { 'response-required-property-removed': 'fatal' } }, 'cfg.yaml')).toThrow(/breaking, warning, info or off/);
  });

  it('ignores an accepted break only at the operation it names (path variable names do not matter)', async () => {
    const here = parseIgnore([{ id: 'response-required-property-removed', operation: 'post /reports/{reportId}', reason: 'ADR-7' }], 'ignore');
    expect((await diff(before, after, { ignore: here })).changes).toEqual([]);
    const elsewhere = parseIgnore([{ id: 'response-required-property-removed', operation: 'GET /reports/{id}' }], 'ignore');
    expect((await diff(before, after, { ignore: elsewhere })).summary.breaking).toBe(1);
  });
});
