import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOpenApi, OpenApiValidator } from '@cleanapp/contracts';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApiApp } from './api/app.js';
import { OutboxRelay } from './store/outbox.js';
import { PipelineStore } from './store/pipeline.js';
import { QueryStore } from './store/queries.js';
import { ReportStore } from './store/reports.js';
import { RulesProvider } from './workers/rules-provider.js';
import { startAnalyzer, startRenderer } from './workers/workers.js';
import { createIssuerApp, type OAuthClient } from './auth/issuer.js';
import { KeyRing } from './auth/keys.js';
import { TokenVerifier } from './auth/verify.js';
import { Broker, redact, topologyFromContract } from '@cleanapp/events/node';
import { dropSchema, openDatabase } from './store/db.js';
import { resolveBroker, resolveDatabase, type Resolved } from './deps/resolve.js';
import { versionInfo } from './version.js';

export interface StackOptions {
  /** Overrides AMQP_URL / DATABASE_URL resolution. */
  amqpUrl?: string;
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  host?: string;
  /** Fixed ports (0 = any free port). */
  apiPort?: number;
  issuerPort?: number;
  /**
   * Throwaway mode (default true): broker names get a unique prefix and expire, the database schema
   * is unique and dropped on stop — so parallel stacks on a shared broker/database never meet.
   */
  ephemeral?: boolean;
  /** Broker name map: an environment from the contract's x-cleanapp-name-maps. */
  brokerEnvironment?: string;
  corsOrigins?: string[];
  /** Where to write the target file (default: <repo>/.stack/target[-<id>].json). */
  targetFile?: string;
  runtimeMode?: 'embedded' | 'standalone' | 'container';
  log?: (line: string) => void;
}

/** A target file as documented in @cleanapp/smoke-kit (target.schema.json). */
export interface StackTarget {
  name: string;
  rest: { baseUrl: string };
  auth: { tokenUrl: string; clientId: string; clientSecret: string; audience: string };
  amqp: { url: string; nameMap: Record<string, string> };
  cors: { allowedOrigin: string };
  services: string[];
}

export interface RunningStack {
  id: string;
  target: StackTarget;
  targetFile: string;
  urls: { api: string; issuer: string };
  /** What was used for each dependency, and where it came from. */
  dependencies: { amqp: Resolved; database: Resolved };
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Binds first and mounts the app afterwards: the apps need their own URL (issuer claim, served
 * contract), which is only known once a free port is bound.
 */
function listen(host: string, port: number): Promise<{ server: ServerType; url: string; mount: (app: Hono) => void }> {
  let mounted: Hono | undefined;
  const fetch = (req: Request) => (mounted ? mounted.fetch(req) : new Response('starting', { status: 503 }));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) =>
      resolve({ server, url: `http://${host}:${info.port}`, mount: (app) => void (mounted = app) }),
    );
    server.once('error', reject);
  });
}

const close = (server: ServerType) =>
  new Promise<void>((resolve) => {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });

/** Starts the token issuer and the API in this process, on free ports, and writes a target file. */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const ephemeral = options.ephemeral ?? true;
  const id = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => log(`[stack] cleanup: ${(e as Error).message}`));
    cleanups.length = 0;
  };

  try {
    const amqp = options.amqpUrl ? { url: options.amqpUrl, source: 'env' as const, stop: async () => undefined } : await resolveBroker({ env });
    cleanups.push(amqp.stop);
    const database = options.databaseUrl
      ? { url: options.databaseUrl, source: 'env' as const, stop: async () => undefined }
      : await resolveDatabase({ env });
    cleanups.push(database.stop);
    log(`[stack] broker ${redact(amqp.url)} (${amqp.source}); database ${redact(database.url)} (${database.source})`);

    const schema = ephemeral ? `stack_${id}` : 'cleanapp';
    const db = await openDatabase(database.url, schema);
    cleanups.push(async () => {
      await db.close();
      if (ephemeral) await dropSchema(database.url, schema);
    });

    const nameOptions = { ...(options.brokerEnvironment ? { environment: options.brokerEnvironment } : {}), ...(ephemeral ? { prefix: `t-${id}.` } : {}) };
    const topology = topologyFromContract(nameOptions);
    const broker = new Broker(amqp.url, topology, ephemeral ? { expiresMs: 10 * 60_000 } : {});
    cleanups.push(() => broker.close());
    // A broker that is down at start is not fatal: health says so, ingest stores reports in the outbox,
    // and the broker keeps reconnecting in the background.
    await broker.start().catch((e: unknown) => log(`[stack] ${(e as Error).message}; retrying in the background`));
    if (ephemeral) cleanups.push(() => broker.deleteTopology());

    // Token issuer first: the API verifies against its JWKS over HTTP, as it would as a separate service.
    const keys = await KeyRing.create();
    const audience = 'cleanapp-api';
    const client: OAuthClient = { clientId: 'smoke-runner', clientSecret: randomBytes(24).toString('base64url'), scopes: ['report:submit', 'report:read', 'admin'] };
    const issuer = await listen(host, options.issuerPort ?? 0);
    cleanups.push(() => close(issuer.server));
    const issuerUrl = issuer.url;
    issuer.mount(createIssuerApp({ issuer: issuerUrl, audience, clients: [client], keys }));

    const corsOrigins = options.corsOrigins ?? ['http://localhost:5173'];
    const store = new ReportStore(db);
    const relay = new OutboxRelay(store, broker);
    relay.start();
    cleanups.push(() => relay.stop());
    const pipeline = new PipelineStore(db);
    await startAnalyzer({ broker, pipeline, relay, provider: new RulesProvider(), log });
    await startRenderer({ broker, pipeline, relay, log });
    const runtimeMode = options.runtimeMode ?? 'embedded';
    const version = versionInfo('cleanapp-api', runtimeMode, { corsOrigins, audience, broker: topology.exchange.name, db: database.source });
    const served = loadOpenApi();
    const api = await listen(host, options.apiPort ?? 0);
    cleanups.push(() => close(api.server));
    served.servers = [{ url: api.url, description: 'This deployment' }];
    api.mount(createApiApp({
      validator: new OpenApiValidator(),
      verifier: new TokenVerifier({ issuer: issuerUrl, audience, jwksUrl: `${issuerUrl}/.well-known/jwks.json` }),
      store,
      queries: new QueryStore(db),
      relay,
      db,
      broker,
      version,
      corsOrigins,
      servedContract: served,
    }));

    const nameMap: Record<string, string> = {};
    for (const q of topology.queues) nameMap[q.canonical] = q.name;
    const target: StackTarget = {
      name: ephemeral ? `embedded-${id}` : 'embedded',
      rest: { baseUrl: api.url },
      auth: { tokenUrl: `${issuerUrl}/oauth/token`, clientId: client.clientId, clientSecret: client.clientSecret, audience },
      amqp: { url: amqp.url, nameMap: { 'cleanapp-exchange': topology.exchange.name, 'cleanapp-dlx': topology.deadLetterExchange.name, ...nameMap } },
      cors: { allowedOrigin: corsOrigins[0]! },
      services: ['api', 'token-issuer', 'analyzer', 'renderer'],
    };
    const targetFile = options.targetFile ?? join(repoRoot, '.stack', ephemeral ? `target-${id}.json` : 'target.json');
    mkdirSync(dirname(targetFile), { recursive: true });
    // The file holds the client secret of this local stack; readable by the owner only.
    writeFileSync(targetFile, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 });
    // A throwaway stack's target (with its client secret) is meaningless once the stack is gone.
    if (ephemeral) cleanups.push(async () => rmSync(targetFile, { force: true }));
    log(`[stack] api ${api.url}, token issuer ${issuerUrl}`);

    return { id, target, targetFile, urls: { api: api.url, issuer: issuerUrl }, dependencies: { amqp, database }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
