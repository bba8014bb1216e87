// The WebSocket hub's deliberate fault (src/faults.ts), applied when the hub is built.
import type { Faults } from '../faults.js';
import type { WsHubOptions } from '../ws/hub.js';

/** The hub's options with the given faults applied (`no-pong`: app-level pings go unanswered). */
export function withWsFaults(options: WsHubOptions, faults: Faults): WsHubOptions {
  return faults.has('no-pong') ? { ...options, wrapReply: () => () => undefined } : options;
}
