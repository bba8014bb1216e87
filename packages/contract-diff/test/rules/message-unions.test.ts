// Rule event-message-added-without-discriminator: an AsyncAPI 3 operation whose consumers meet a new
// message they cannot tell apart from the ones they know.
import { describe, expect, it } from 'vitest';
import { verdicts } from './docs.js';

type Obj = Record<string, unknown>;
const message = (type?: string): Obj => ({
  contentType: 'application/json',
  payload: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, ...(type ? { type: { type: 'string', const: type } } : {}) } },
});
/** One channel and one operation (`send`: this service produces, others consume) with the given messages. */
const asyncapi = (messages: Record<string, Obj>, action = 'send'): Obj => ({
  asyncapi: '3.0.0',
  info: { title: 't', version: '1' },
  channels: { reports: { address: 'reports', messages } },
  operations: { publishReports: { action, channel: { $ref: '#/channels/reports' } } },
});

describe('message unions', () => {
  it('a message without a discriminator consumers can switch on breaks them', async () => {
    const base = asyncapi({ created: message('report.created') });
    expect(await verdicts(base, asyncapi({ created: message('report.created'), deleted: message() }))).toEqual([['event-message-added-without-discriminator', 'breaking']]);
    // A value the known messages already use tells nothing apart either.
    expect(await verdicts(base, asyncapi({ created: message('report.created'), copy: message('report.created') }))).toEqual([['event-message-added-without-discriminator', 'breaking']]);
  });

  it('twin: a new value under the discriminator consumers already switch on is info', async () => {
    const base = asyncapi({ created: message('report.created'), updated: message('report.updated') });
    expect(await verdicts(base, asyncapi({ created: message('report.created'), updated: message('report.updated'), deleted: message('report.deleted') }))).toEqual([['event-message-added', 'info']]);
  });

  it('twin: producers (a receive operation) may send a new message without one', async () => {
    const base = asyncapi({ created: message('report.created') }, 'receive');
    expect(await verdicts(base, asyncapi({ created: message('report.created'), deleted: message() }, 'receive'))).toEqual([['event-message-added', 'info']]);
  });
});
