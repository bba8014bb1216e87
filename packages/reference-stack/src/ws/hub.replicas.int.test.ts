import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cleanups } from '../http/listen.js';
import { startInfra, startWsHubService } from '../services.js';
import { startStack, type RunningStack } from '../stack.js';
import { renderedWatchers } from '../testing/rendered-stream.js';

// Hub replicas: two more ws-hub instances on one stack's namespace, each with its own broker connection
// and database pool (as separate ws-hub processes or containers have). A shared competing-consumer queue
// would split the events between the hubs; every hub must push every report.rendered to all its clients.
let stack: RunningStack;
const replicas = new Cleanups();
const hubUrls: { publicUrl: string; privilegedUrl: string }[] = [];
const watchers = renderedWatchers();

beforeAll(async () => {
  stack = await startStack();
  hubUrls.push(stack.target.websocket);
  for (let i = 0; i < 2; i++) {
    const infra = await startInfra(
      {
        env: process.env,
        log: () => undefined,
        amqpUrl: stack.dependencies.amqp.url,
        databaseUrl: stack.dependencies.database.url,
        schema: stack.namespace.schema,
        brokerPrefix: stack.namespace.brokerPrefix,
        // Members of the stack's throwaway namespace (declared alike), not its owner: the stack removes it.
        expiringBrokerNames: stack.namespace.disposable,
      },
      replicas,
    );
    hubUrls.push(await startWsHubService(infra, { host: '127.0.0.1', port: 0, issuer: stack.urls.issuer, audience: 'cleanapp-api', log: () => undefined }, replicas));
  }
}, 60_000);

afterAll(async () => {
  watchers.close();
  await replicas.run();
  await stack?.stop();
});

describe('WebSocket hub replicas on one broker', () => {
  it('every subscriber of every hub gets every report.rendered, exactly once', async () => {
    const bearer = `bearer.${await stack.token('report:read')}`;
    const clients = (await Promise.all(hubUrls.map((h) => Promise.all([watchers.watch(h.privilegedUrl, [bearer]), watchers.watch(h.privilegedUrl, [bearer]), watchers.watch(h.publicUrl)])))).flat();
    const submit = await stack.token('report:submit');
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${stack.target.rest.baseUrl}/api/v4/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${submit}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source_id: `replicas-${randomUUID()}`, latitude: 41.39, longitude: 2.17, title: 'Broken glass', synthetic: true }),
      });
      expect(res.status).toBe(202);
      sent.push(((await res.json()) as { public_id: string }).public_id);
    }
    await vi.waitFor(() => {
      for (const ids of clients) expect(new Set(ids)).toEqual(new Set(sent));
    }, { timeout: 30_000, interval: 100 });
    for (const ids of clients) expect(ids.toSorted()).toEqual(sent.toSorted());
  }, 60_000);
});
