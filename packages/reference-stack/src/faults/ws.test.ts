import { describe, expect, it } from 'vitest';
import { parseFaults } from '../faults.js';
import type { WsHubOptions } from '../ws/hub.js';
import { withWsFaults } from './ws.js';

describe('WebSocket faults', () => {
  const options = { host: '127.0.0.1' } as WsHubOptions;

  it('no-pong: the hub is built with a reply that answers nothing', () => {
    const pong = () => 'pong';
    expect(withWsFaults(options, parseFaults('no-pong')).wrapReply?.(pong)({ type: 'ping', id: 1 })).toBeUndefined();
    expect(withWsFaults(options, parseFaults('no-cors'))).toBe(options);
  });
});
