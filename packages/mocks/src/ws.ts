// An MSW WebSocket handler (`ws.link`) behaving like the hub's live streams (contracts/events/asyncapi.yaml,
// channels wsPublic / wsPrivileged): `welcome` on connect, app-level `pong` for each `ping` (same id),
// `report.rendered` pushed on demand; close codes 1003/1007/1008 for bad client messages.
import { ws, type WebSocketHandler, type WebSocketLink } from 'msw';
import { wsExamples } from './generated/fixtures.js';
import type { WsPing, WsRenderedPrivileged, WsRenderedPrivilegedData, WsRenderedPublic, WsStream, WsWelcome, WsPong } from './types.js';

export interface WsMockOptions {
  /** The stream URL, e.g. `ws://api.cleanapp.example/ws/public` (MSW path syntax, wildcards allowed). */
  url: string;
  /** Which stream this is; default: `privileged` when the URL contains `privileged`, else `public`. */
  stream?: WsStream;
  /** `heartbeat_ms` announced in `welcome` (default: the contract example's). */
  heartbeatMs?: number;
}

export interface WsMock {
  /** Pass it to `setupServer` / `setupWorker` (or `server.use`). */
  handler: WebSocketHandler;
  link: WebSocketLink;
  stream: WsStream;
  /**
   * Pushes a `report.rendered` to every connected client; fields default to the contract example.
   * On the public stream only the public fields are sent (as the hub does).
   */
  pushRendered(data?: Partial<WsRenderedPrivilegedData>): WsRenderedPublic | WsRenderedPrivileged;
  /** The app-level pings received so far. */
  readonly pings: WsPing[];
}

const now = () => new Date().toISOString();

function isPingId(id: unknown): id is string | number {
  return (typeof id === 'string' && id.length >= 1 && id.length <= 128) || (typeof id === 'number' && Number.isFinite(id));
}

/** Creates a WebSocket mock for one stream URL. */
export function createWsMock(options: WsMockOptions): WsMock {
  const stream: WsStream = options.stream ?? (/privileged/.test(options.url) ? 'privileged' : 'public');
  const link = ws.link(options.url);
  const pings: WsPing[] = [];
  const handler = link.addEventListener('connection', ({ client }) => {
    const welcome: WsWelcome = {
      type: 'welcome',
      data: { stream, heartbeat_ms: options.heartbeatMs ?? wsExamples.welcome.data.heartbeat_ms },
      timestamp: now(),
    };
    client.send(JSON.stringify(welcome));
    client.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return client.close(1003, 'Only JSON text frames are accepted');
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return client.close(1007, 'Not JSON');
      }
      const ping = message as Partial<WsPing> | null;
      if (typeof ping !== 'object' || ping === null || ping.type !== 'ping' || !isPingId(ping.data?.id)) {
        return client.close(1008, 'Unknown message');
      }
      pings.push(ping as WsPing);
      const pong: WsPong = { type: 'pong', data: { id: ping.data.id }, timestamp: now() };
      client.send(JSON.stringify(pong));
    });
  });
  return {
    handler,
    link,
    stream,
    pings,
    pushRendered(data = {}) {
      const full: WsRenderedPrivilegedData = { ...wsExamples.renderedPrivileged.data, ...data };
      const message: WsRenderedPublic | WsRenderedPrivileged =
        stream === 'public'
          ? {
              type: 'report.rendered',
              data: { public_id: full.public_id, seq: full.seq, card_path: full.card_path, page_path: full.page_path, rendered_at: full.rendered_at },
              timestamp: now(),
            }
          : { type: 'report.rendered', data: full, timestamp: now() };
      link.broadcast(JSON.stringify(message));
      return message;
    },
  };
}
