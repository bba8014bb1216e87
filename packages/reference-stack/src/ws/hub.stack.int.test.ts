import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type RunningStack } from '../stack.js';

// End to end through the whole reference stack: ingest → analyzer → renderer → report.rendered → hub.
// Skipped until src/stack.ts starts the hub and writes `websocket` into its target.
let stack: RunningStack;
const websocket = () => (stack.target as { websocket?: { publicUrl: string; privilegedUrl: string } }).websocket;

interface Message {
  type: string;
  data: Record<string, unknown>;
}

const token = (scope?: string) => stack.token(scope);

async function submit(suffix: string, lane: 'publish' | 'quarantine'): Promise<string> {
  const res = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('report:submit')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source_id: `ws-stack-${stack.id}-${suffix}`, latitude: 52.52, longitude: 13.405, title: 'Overflowing bin', synthetic: true, lane }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { public_id: string }).public_id;
}

/** Opens a client and records its messages from the first byte on. */
function open(url: string, protocols?: string[]): Promise<{ ws: WebSocket; got: Message[] }> {
  const ws = new WebSocket(url, protocols);
  const got: Message[] = [];
  ws.on('message', (data) => got.push(JSON.parse(data.toString()) as Message));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, got }));
    ws.once('error', reject);
  });
}

const renderedIds = (got: Message[]) => got.filter((m) => m.type === 'report.rendered').map((m) => m.data.public_id);

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

describe('WebSocket hub in the reference stack', () => {
  it('pushes rendered reports: privileged sees both lanes, public only the published one', async (ctx) => {
    const urls = websocket();
    if (!urls) return ctx.skip();
    const t = await token('report:read');
    const pub = await open(urls.publicUrl);
    const priv = await open(urls.privilegedUrl, [`bearer.${t}`]);
    await vi.waitFor(() => {
      if (pub.got.length === 0 || priv.got.length === 0) throw new Error('waiting for the welcomes');
    }, { timeout: 10_000, interval: 20 });

    const quarantined = await submit('quarantine', 'quarantine');
    await vi.waitFor(() => {
      if (!renderedIds(priv.got).includes(quarantined)) throw new Error('waiting for the quarantined report on the privileged stream');
    }, { timeout: 10_000, interval: 20 });
    const published = await submit('publish', 'publish');
    await vi.waitFor(() => {
      if (!renderedIds(priv.got).includes(published)) throw new Error('waiting for the published report on the privileged stream');
    }, { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => {
      if (renderedIds(pub.got).length === 0) throw new Error('waiting for a report on the public stream');
    }, { timeout: 10_000, interval: 20 });
    expect(renderedIds(pub.got)).toEqual([published]);
    pub.ws.close(1000);
    priv.ws.close(1000);
  });
});
