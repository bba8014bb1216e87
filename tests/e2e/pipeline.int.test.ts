import { createApiClient } from '@cleanapp/api-client';
import { createGraphqlClient, ReportByIdDocument } from '@cleanapp/graphql-client';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

let stack: RunningStack;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.token();
});
afterAll(async () => stack?.stop());

/** Opens a stream and collects its JSON messages. */
async function subscribe(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: { type: string; data: Record<string, unknown> }[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages };
}

describe('the whole pipeline, through every public surface', () => {
  it('ingest → analysis → render → visible over REST and GraphQL → pushed over WebSocket', async () => {
    const publicStream = await subscribe(stack.target.websocket.publicUrl);
    const privilegedStream = await subscribe(stack.target.websocket.privilegedUrl, { authorization: `Bearer ${token}` });
    const api = createApiClient({ baseUrl: stack.target.rest.baseUrl, token });
    const gql = createGraphqlClient({ url: stack.target.graphql.url, token });

    const submitted = await api.POST('/api/v4/reports', {
      body: { source_id: `e2e-${stack.id}`, latitude: 52.52, longitude: 13.405, title: 'Broken glass', description: 'Heineken bottle shards on the cycle path', synthetic: true },
    });
    expect(submitted.response.status).toBe(202);
    const publicId = submitted.data!.public_id;

    const rest = await vi.waitFor(async () => {
      const r = await api.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: publicId } } });
      if (r.data?.status !== 'rendered') throw new Error(`waiting for the report to be rendered (status ${r.data?.status ?? r.response.status})`);
      return r.data;
    }, { timeout: 10_000, interval: 50 });
    expect(rest.analysis).toMatchObject({ classification: 'hazard', brand_name: 'Heineken' });

    // The client reads the SVG as text (the contract's media type), not as JSON.
    const card = await api.GET('/api/v4/reports/{public_id}/card.svg', { params: { path: { public_id: publicId } } });
    expect(card.response.headers.get('content-type')).toBe('image/svg+xml');
    expect(card.data).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const viaGraphql = await gql.request(ReportByIdDocument, { publicId });
    expect(viaGraphql.report).toMatchObject({ publicId, title: 'Broken glass', status: 'RENDERED', analysis: { classification: 'HAZARD', brandName: 'Heineken' } });

    for (const stream of [publicStream, privilegedStream]) {
      const push = await vi.waitFor(() => {
        const found = stream.messages.find((m) => m.type === 'report.rendered' && m.data.public_id === publicId);
        if (!found) throw new Error('waiting for the report.rendered push');
        return found;
      }, { timeout: 10_000, interval: 50 });
      expect(push.data).toMatchObject({ public_id: publicId, card_path: `/api/v4/reports/${publicId}/card.svg` });
      stream.socket.close();
    }
  });
});
