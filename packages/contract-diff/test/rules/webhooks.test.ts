// Webhooks and callbacks run the other way round: the API writes their request bodies (subscribers read
// them: response rules) and subscribers write their responses (the API reads them: request rules).
import { describe, expect, it } from 'vitest';
import { verdicts } from './docs.js';

type Obj = Record<string, unknown>;
const order = (required: string[], props: string[] = required): Obj => ({ type: 'object', required, properties: Object.fromEntries(props.map((p) => [p, { type: 'string' }])) });
const json = (schema: Obj) => ({ content: { 'application/json': { schema } } });
/** An OpenAPI 3.1 document with one webhook whose body and 200 response are given. */
const webhook = (body: Obj, reply: Obj = order([])): Obj => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  webhooks: { orderCreated: { post: { requestBody: json(body), responses: { '200': { description: 'ok', ...json(reply) } } } } },
});
/** The same exchange as a callback of `POST /subscriptions`. */
const callback = (body: Obj, reply: Obj = order([])): Obj => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/subscriptions': {
      post: {
        responses: { '201': { description: 'ok' } },
        callbacks: { orderCreated: { '{$request.body#/callbackUrl}': { post: { requestBody: json(body), responses: { '200': { description: 'ok', ...json(reply) } } } } } },
      },
    },
  },
});

describe('webhook request body presence', () => {
  it('a body that becomes optional may not come at all: breaking for subscribers (an ordinary request body: info)', async () => {
    const optional = (doc: Obj): Obj => JSON.parse(JSON.stringify(doc).replace('"requestBody":{', '"requestBody":{"required":false,')) as Obj;
    const required = (doc: Obj): Obj => JSON.parse(JSON.stringify(doc).replace('"requestBody":{', '"requestBody":{"required":true,')) as Obj;
    expect(await verdicts(required(webhook(order(['id']))), optional(webhook(order(['id']))))).toEqual([['request-body-became-optional', 'breaking']]);
    const ordinary = (req: boolean): Obj => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/orders': { post: { requestBody: { required: req, ...json(order(['id'])) }, responses: { '204': { description: 'ok' } } } } } });
    expect(await verdicts(ordinary(true), ordinary(false))).toEqual([['request-body-became-optional', 'info']]);
  });
});

describe.each([
  ['webhook', webhook],
  ['callback', callback],
])('%s bodies follow the response rules, their responses the request rules', (_, doc) => {
  it('removing a required property of the body breaks subscribers; adding one does not', async () => {
    expect(await verdicts(doc(order(['id', 'total'])), doc(order(['id'])))).toEqual([['response-required-property-removed', 'breaking']]);
    expect(await verdicts(doc(order(['id'])), doc(order(['id', 'total'])))).toEqual([['response-required-property-added', 'info']]);
  });

  it('a new required property in the reply breaks subscribers that send the old one; removing one does not', async () => {
    expect(await verdicts(doc(order(['id']), order([], [])), doc(order(['id']), order(['ack'])))).toEqual([['new-required-request-property', 'breaking']]);
    expect(await verdicts(doc(order(['id']), order([], ['ack'])), doc(order(['id']), order([], [])))).toEqual([['request-property-removed', 'warning']]);
  });
});

type Param = { name: string; required?: boolean; schema?: Obj };
const header = (name: string, required = true, schema: Obj = { type: 'string' }): Param => ({ name, required, schema });
const params = (list: Param[]) => list.map((p) => ({ in: 'header', ...p, schema: p.schema ?? { type: 'string' } }));
/** An exchange the API starts, with header parameters on its request. */
const sent = (list: Param[]) => ({ post: { parameters: params(list), requestBody: json(order(['id'])), responses: { '200': { description: 'ok' } } } });
const ordinary = (list: Param[]): Obj => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: { '/orders': { post: { parameters: params(list), responses: { '204': { description: 'ok' } } } } },
});
const signature = header('X-Signature');

describe.each([
  ['webhook', (list: Param[]): Obj => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, webhooks: { orderCreated: sent(list) } })],
  [
    'callback',
    (list: Param[]): Obj => ({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: { '/subscriptions': { post: { responses: { '201': { description: 'ok' } }, callbacks: { orderCreated: { '{$request.body#/callbackUrl}': sent(list) } } } } },
    }),
  ],
])('%s parameters follow the response-header rules (the API sends them, subscribers read them)', (_, hook) => {
  it('a header subscribers verify that goes, or may no longer come, breaks them (an ordinary request parameter: not breaking)', async () => {
    expect(await verdicts(hook([signature]), hook([]))).toEqual([['required-response-header-removed', 'breaking']]);
    expect(await verdicts(hook([header('X-Trace', false)]), hook([]))).toEqual([['optional-response-header-removed', 'warning']]);
    expect(await verdicts(hook([signature]), hook([header('X-Signature', false)]))).toEqual([['response-header-became-optional', 'breaking']]);
    expect(await verdicts(ordinary([signature]), ordinary([header('X-Signature', false)]))).toEqual([['request-parameter-became-optional', 'info']]);
  });

  it('a new header, even a required one, is only more for subscribers to ignore (an ordinary required parameter: breaking)', async () => {
    expect(await verdicts(hook([]), hook([signature]))).toEqual([['response-header-added', 'info']]);
    expect(await verdicts(ordinary([]), ordinary([signature]))).toEqual([['new-required-request-parameter', 'breaking']]);
    expect(await verdicts(hook([header('X-Signature', false)]), hook([signature]))).toEqual([]);
  });

  it('a header whose type changes breaks the subscribers that parse it', async () => {
    expect(await verdicts(hook([header('X-Attempt', true, { type: 'integer' })]), hook([header('X-Attempt', true, { type: 'string' })]))).toEqual([['response-header-type-changed', 'breaking']]);
  });
});
