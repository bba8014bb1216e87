import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { bodyKind, nonJsonOperations, responseBodyType } from './parse-as.js';

const doc = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/photo': { get: { responses: { '200': { description: 'png', content: { 'image/png': { schema: { type: 'string' } } } } } } },
    '/feed': { get: { responses: { '200': { $ref: '#/components/responses/Atom' }, '404': { description: 'x', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    '/thing': { post: { responses: { '201': { description: 'json', content: { 'application/problem+json': { schema: { type: 'object' } } } } } } },
  },
  components: { responses: { Atom: { description: 'feed', content: { 'application/atom+xml': { schema: { type: 'string' } } } } } },
};

describe('bodyKind', () => {
  it.each([
    ['application/json', 'json'],
    ['application/problem+json; charset=utf-8', 'json'],
    ['text/html', 'text'],
    ['image/svg+xml', 'text'],
    ['application/xml', 'text'],
    ['text/csv', 'text'],
    ['image/png', 'blob'],
    ['application/octet-stream', 'blob'],
    ['application/pdf', 'blob'],
  ])('%s → %s', (mediaType, kind) => expect(bodyKind(mediaType)).toBe(kind));
});

describe('nonJsonOperations', () => {
  it('lists the operations whose success bodies are not JSON, through response $refs', () => {
    expect(nonJsonOperations(doc)).toEqual({ 'GET /photo': 'blob', 'GET /feed': 'text' });
  });

  it('rejects an operation whose success responses mix body kinds, naming it', () => {
    const mixed = { paths: { '/x': { get: { responses: { '200': { content: { 'application/json': {} } }, '206': { content: { 'image/png': {} } } } } } } };
    expect(() => nonJsonOperations(mixed)).toThrow('GET /x answers application/json and image/png; one operation needs one body kind');
  });

  it('names a response $ref it cannot resolve', () => {
    const broken = { paths: { '/x': { get: { responses: { '200': { $ref: '#/components/responses/Gone' } } } } } };
    expect(() => nonJsonOperations(broken)).toThrow('cannot resolve response #/components/responses/Gone');
  });
});

describe('responseBodyType', () => {
  it('types binary bodies as Blob and text bodies as string in the generated schema', async () => {
    const source = astToString(await openapiTS(doc as never, { transform: (_s, { path }) => responseBodyType(path) }));
    expect(source).toContain('"image/png": Blob;');
    expect(source).toContain('"application/atom+xml": string;');
    expect(source).toContain('"application/problem+json": Record<string, never>;'); // JSON stays the schema's type
  });
});
