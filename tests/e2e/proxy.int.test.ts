import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack } from '@cleanapp/reference-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';

/** A minimal reverse proxy (HTTP and WebSocket upgrades) in front of one upstream, as a gateway would be. */
function reverseProxy(upstream: URL): Promise<{ server: Server; origin: string; requests: number }> {
  const state = { requests: 0 };
  const headersFor = (raw: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) out.push(raw[i]!.toLowerCase() === 'host' ? 'Host' : raw[i]!, raw[i]!.toLowerCase() === 'host' ? upstream.host : raw[i + 1]!);
    return out;
  };
  const server = createServer((req, res) => {
    state.requests++;
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: headersFor(req.rawHeaders) }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders);
      upRes.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('upgrade', (req, socket, head) => {
    state.requests++;
    const up = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      const h = headersFor(req.rawHeaders);
      for (let i = 0; i < h.length; i += 2) lines.push(`${h[i]}: ${h[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        // "localhost", not the stack's 127.0.0.1: nothing may depend on the host the stack bound.
        origin: `http://localhost:${(server.address() as AddressInfo).port}`,
        get requests() {
          return state.requests;
        },
      }),
    ),
  );
}

describe('a target that points every URL at a proxy in front of the stack', () => {
  let stack: RunningStack;
  const proxies: Awaited<ReturnType<typeof reverseProxy>>[] = [];
  let targetFile: string;

  beforeAll(async () => {
    stack = await startStack();
    const t = structuredClone(stack.target) as typeof stack.target & { graphql: { url: string }; websocket: { publicUrl: string; privilegedUrl: string } };
    const via = async (url: string) => {
      const u = new URL(url.replace(/^ws/, 'http'));
      const p = await reverseProxy(new URL(u.origin));
      proxies.push(p);
      return `${url.startsWith('ws') ? p.origin.replace(/^http/, 'ws') : p.origin}${u.pathname}`;
    };
    t.rest.baseUrl = (await via(`${t.rest.baseUrl}/`)).replace(/\/$/, '');
    t.auth.tokenUrl = await via(t.auth.tokenUrl);
    t.graphql.url = await via(t.graphql.url);
    const wsOrigin = await via(t.websocket.publicUrl);
    t.websocket = { publicUrl: wsOrigin, privilegedUrl: wsOrigin.replace('/ws/public', '/ws/privileged') };
    t.name = 'proxied';
    targetFile = join(mkdtempSync(join(tmpdir(), 'proxied-')), 'target.json');
    writeFileSync(targetFile, JSON.stringify(t, null, 2));
  }, 60_000);
  afterAll(async () => {
    for (const p of proxies) p.server.closeAllConnections();
    await Promise.all(proxies.map((p) => new Promise((r) => p.server.close(r))));
    await stack?.stop();
  });

  it('passes unchanged, every request going through the proxies', async () => {
    const result = await run('pnpm', ['smoke', '--target', targetFile, '--suite', 'health,ingest,query,auth,websocket']);
    const output = result.stdout + result.stderr;
    expect(result.code, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/smoke: \d+ passed, 0 failed, 0 skipped .* against proxied/);
    for (const p of proxies) expect(p.requests, 'requests through each proxy').toBeGreaterThan(0);
  });
});
