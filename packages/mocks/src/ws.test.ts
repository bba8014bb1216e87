// (4) The WebSocket handler: welcome on connect, app ping → pong with the same id, pushRendered reaches the
// client; every message validates against the AsyncAPI payload schemas. Node 20 has no global WebSocket, so
// @cleanapp/mocks/node installs the `ws` package's one before MSW's interceptor patches it.
import { loadAsyncApi } from '@cleanapp/contracts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWsMock, installWebSocketGlobal, setupMockServer } from './node.js';
import type { WsServerMessage } from './types.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadAsyncApi(), 'asyncapi');
const problems = (message: string, value: unknown) => {
  const fn = ajv.getSchema(`asyncapi#/components/messages/${message}/payload`)!;
  return fn(value) ? [] : fn.errors;
};

const publicMock = createWsMock({ url: 'ws://hub.mock.cleanapp.test/ws/public' });
const privilegedMock = createWsMock({ url: 'ws://hub.mock.cleanapp.test/ws/privileged' });
const hadGlobal = typeof globalThis.WebSocket !== 'undefined';
const server = setupMockServer({ baseUrl: 'http://api.mock.cleanapp.test' }, publicMock.handler, privilegedMock.handler);
const sockets: WebSocket[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(() => server.close());

/** Opens a client and collects its JSON messages; `next()` resolves with the next one. */
function connect(url: string) {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const queue: WsServerMessage[] = [];
  const waiters: ((m: WsServerMessage) => void)[] = [];
  socket.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as WsServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener('close', (e: CloseEvent) => resolve(e)));
  return {
    socket,
    closed,
    next: () =>
      new Promise<WsServerMessage>((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error('no message within 2 s')), 2000);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
  };
}

describe('WebSocket handler', () => {
  it('Node 20: a global WebSocket is installed from the `ws` package when missing', () => {
    expect(installWebSocketGlobal()).toBe(true);
    expect(typeof globalThis.WebSocket).toBe('function');
    if (!hadGlobal) expect(process.versions.node.split('.')[0]).toBe('20');
  });

  it('public stream: welcome, ping → pong with the same id, pushRendered reaches the client (public fields only)', async () => {
    const client = connect('ws://hub.mock.cleanapp.test/ws/public');
    const welcome = await client.next();
    expect(welcome).toMatchObject({ type: 'welcome', data: { stream: 'public', heartbeat_ms: 15000 } });
    expect(problems('wsWelcome', welcome)).toEqual([]);

    client.socket.send(JSON.stringify({ type: 'ping', data: { id: 'c-1' } }));
    const pong = await client.next();
    expect(pong).toMatchObject({ type: 'pong', data: { id: 'c-1' } });
    expect(problems('wsPong', pong)).toEqual([]);
    client.socket.send(JSON.stringify({ type: 'ping', data: { id: 42 } }));
    expect(await client.next()).toMatchObject({ type: 'pong', data: { id: 42 } });
    expect(publicMock.pings.map((p) => p.data.id)).toEqual(['c-1', 42]);

    const sent = publicMock.pushRendered({ public_id: 'rpt_CCCCCCCCCCCC', seq: 7 });
    const pushed = await client.next();
    expect(pushed).toEqual(sent);
    expect(pushed).toMatchObject({ type: 'report.rendered', data: { public_id: 'rpt_CCCCCCCCCCCC', seq: 7 } });
    expect(Object.keys(pushed.data).sort()).toEqual(['card_path', 'page_path', 'public_id', 'rendered_at', 'seq']);
    expect(problems('wsReportRenderedPublic', pushed)).toEqual([]);
  });

  it('privileged stream: welcome names the stream, pushRendered carries the full event', async () => {
    const client = connect('ws://hub.mock.cleanapp.test/ws/privileged');
    expect(await client.next()).toMatchObject({ type: 'welcome', data: { stream: 'privileged' } });
    privilegedMock.pushRendered();
    const pushed = await client.next();
    expect(pushed).toMatchObject({ type: 'report.rendered', data: { version: 1, public_id: 'rpt_8Zq3nV1kT0aB' } });
    expect(problems('wsReportRenderedPrivileged', pushed)).toEqual([]);
  });

  it('a message that is not a ping closes the connection with 1008, text that is not JSON with 1007', async () => {
    const a = connect('ws://hub.mock.cleanapp.test/ws/public');
    await a.next();
    a.socket.send(JSON.stringify({ type: 'subscribe' }));
    expect((await a.closed).code).toBe(1008);
    const b = connect('ws://hub.mock.cleanapp.test/ws/public');
    await b.next();
    b.socket.send('not json');
    expect((await b.closed).code).toBe(1007);
  });
});
