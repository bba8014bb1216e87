import { randomBytes } from 'node:crypto';
import { OpenApiValidator } from '@cleanapp/contracts';
import { Broker, redact, topologyFromContract, type Topology } from '@cleanapp/events/node';
import { createApiApp, type ApiDeps } from './api/app.js';
import { servedContract } from './api/served-contract.js';
import { createIssuerApp, type OAuthClient } from './auth/issuer.js';
import type { PublicClient, TestUser } from './auth/public-clients.js';
import { KeyRing, testSigningKeyFromEnv } from './auth/keys.js';
import type { JWK } from 'jose';
import { TokenVerifier } from './auth/verify.js';
import { resolveBroker, resolveDatabase, type Resolved } from './deps/resolve.js';
import { Cleanups, listen } from './http/listen.js';
import { dropSchema, openDatabase, type Database } from './store/db.js';
import { OutboxRelay } from './store/outbox.js';
import { PolicyClient } from './policy/client.js';
import { PipelineStore } from './store/pipeline.js';
import { QueryStore } from './store/queries.js';
import { ReportStore } from './store/reports.js';
import { NO_FAULTS, type Faults } from './faults.js';
import { withApiFaults } from './faults/api.js';
import { withWsFaults } from './faults/ws.js';
import { withOpsFaults } from './faults/ops.js';
import { withWorkerFaults } from './faults/workers.js';
import { startGraphql } from './graphql/index.js';
import type { Authorizer } from './http/auth/index.js';
import { platformApp } from './http/ops/index.js';
import { authorizerFor, infraChecks, runtimeOf, serviceOps, type ServiceRuntime } from './ops.js';
import { RulesProvider } from './workers/rules-provider.js';
import { startAnalyzer, startRenderer, type RenderOptions } from './workers/workers.js';
import { startWsHub, type WsHubOptions } from './ws/hub.js';

export type RuntimeMode = 'embedded' | 'standalone' | 'container';

export interface Infra {
  amqp: Resolved;
  database: Resolved;
  db: Database;
  broker: Broker;
  topology: Topology;
  store: ReportStore;
  relay: OutboxRelay;
  /** Deliberate faults for the suites' own tests; empty in any real use. */
  faults: Faults;
}

export interface InfraOptions {
  env: NodeJS.ProcessEnv;
  amqpUrl?: string;
  databaseUrl?: string;
  /** Database schema; throwaway stacks use a unique one and drop it on stop. */
  schema: string;
  dropSchemaOnStop?: boolean;
  /** Throwaway broker names, declared expiring when unused: every process of a throwaway namespace passes it. */
  expiringBrokerNames?: boolean;
  /** Deletes the broker names on stop: the owner of a throwaway namespace only, never an explicitly named one. */
  deleteBrokerNamesOnStop?: boolean;
  /** Broker names: an environment of the contract's name maps, and a prefix for throwaway stacks. */
  brokerEnvironment?: string;
  brokerPrefix?: string;
  log: (line: string) => void;
  faults?: Faults;
}

/** Broker, database, outbox relay: what every service except the token issuer needs. */
export async function startInfra(options: InfraOptions, cleanups: Cleanups): Promise<Infra> {
  const { env, log } = options;
  const amqp = options.amqpUrl ? { url: options.amqpUrl, source: 'env' as const, stop: async () => undefined } : await resolveBroker({ env });
  cleanups.push(amqp.stop);
  const database = options.databaseUrl ? { url: options.databaseUrl, source: 'env' as const, stop: async () => undefined } : await resolveDatabase({ env });
  cleanups.push(database.stop);
  log(`[stack] broker ${redact(amqp.url)} (${amqp.source}); database ${redact(database.url)} (${database.source})`);

  const db = await openDatabase(database.url, options.schema);
  cleanups.push(async () => {
    await db.close();
    if (options.dropSchemaOnStop) await dropSchema(database.url, options.schema);
  });

  const topology = topologyFromContract({
    ...(options.brokerEnvironment ? { environment: options.brokerEnvironment } : {}),
    ...(options.brokerPrefix ? { prefix: options.brokerPrefix } : {}),
  });
  const broker = new Broker(amqp.url, topology, options.expiringBrokerNames ? { expiresMs: 10 * 60_000 } : {});
  cleanups.push(() => broker.close());
  // A broker that is down at start is not fatal: health says so, ingest stores reports in the outbox,
  // and the broker keeps reconnecting in the background.
  await broker.start().catch((e: unknown) => log(`[stack] ${(e as Error).message}; retrying in the background`));
  if (options.deleteBrokerNamesOnStop) cleanups.push(() => broker.deleteTopology());

  const store = new ReportStore(db);
  const relay = new OutboxRelay(db, broker);
  relay.start();
  cleanups.push(() => relay.stop());
  const faults = options.faults ?? NO_FAULTS;
  if (faults.size > 0) log(`[stack] FAULTS ON: ${[...faults].join(', ')}`);
  return { amqp, database, db, broker, topology, store, relay, faults };
}

export interface IssuerOptions extends Partial<ServiceRuntime> {
  host: string;
  port: number;
  audience: string;
  clients: OAuthClient[];
  /** Apps signing users in with authorization code + PKCE, and the users who may sign in (auth/public-clients.ts). */
  publicClients?: PublicClient[];
  users?: TestUser[];
  /** Browser origins that may call the token endpoint (an app's code exchange and refresh). */
  corsOrigins?: string[];
  /** The `iss` claim and discovery URL as clients see it (defaults to the bound URL). */
  publicUrl?: string;
  /**
   * A trusted test signing key (private JWK) published in the JWKS for the auth suite (auth/keys.ts).
   * startStack passes one; a standalone issuer has one only when TOKEN_TEST_SIGNING_KEY holds it.
   */
  testSigningKey?: JWK;
}

export async function startIssuerService(options: IssuerOptions, cleanups: Cleanups): Promise<{ url: string }> {
  const testKey = options.testSigningKey ?? testSigningKeyFromEnv(process.env);
  const keys = await KeyRing.create(testKey ? { testKey } : {});
  const server = await listen(options.host, options.port);
  cleanups.push(() => server.close());
  const url = options.publicUrl ?? server.url;
  const publicClients = options.publicClients ?? [];
  const ops = serviceOps('token-issuer', runtimeOf(options), { audience: options.audience, clients: options.clients.map((c) => c.clientId), publicClients: publicClients.map((c) => c.clientId) }, {});
  server.mount(createIssuerApp({ issuer: url, audience: options.audience, clients: options.clients, publicClients, users: options.users ?? [], corsOrigins: options.corsOrigins ?? [], keys, ops }));
  return { url };
}

export interface ApiOptions extends Partial<ServiceRuntime> {
  host: string;
  port: number;
  /** Expected `iss` of tokens, and where to fetch the JWKS (defaults to `<issuer>/.well-known/jwks.json`). */
  issuer: string;
  jwksUrl?: string;
  audience: string;
  corsOrigins: string[];
  /** The URL clients use, written into the served contract's `servers` (defaults to the bound URL). */
  publicUrl?: string;
  /** The token endpoint clients reach, written into the served contract's OAuth2 flows (defaults to `<issuer>/oauth/token`). */
  tokenUrl?: string;
  /** The authorization endpoint apps send users to, in the served contract (defaults to `<issuer>/oauth/authorize`). */
  authorizationUrl?: string;
  /** Origin of the policy decision point the API asks (src/policy/). */
  policyUrl: string;
}

export async function startApiService(infra: Infra, options: ApiOptions, cleanups: Cleanups): Promise<{ url: string; verifier: TokenVerifier }> {
  const runtime = runtimeOf(options);
  const { version } = serviceOps('cleanapp-api', runtime, {
    corsOrigins: options.corsOrigins,
    audience: options.audience,
    broker: infra.topology.exchange.name,
    db: infra.database.source,
    policy: options.policyUrl,
  }, infraChecks(infra));
  const server = await listen(options.host, options.port);
  cleanups.push(() => server.close());
  const url = options.publicUrl ?? server.url;
  const served = servedContract({ apiUrl: url, tokenUrl: options.tokenUrl ?? `${options.issuer}/oauth/token`, authorizationUrl: options.authorizationUrl ?? `${options.issuer}/oauth/authorize` });
  const verifier = new TokenVerifier({ issuer: options.issuer, audience: options.audience, jwksUrl: options.jwksUrl ?? `${options.issuer}/.well-known/jwks.json` });
  const deps: ApiDeps = {
    validator: new OpenApiValidator(),
    verifier: authorizerFor(verifier, runtime),
    store: infra.store,
    queries: new QueryStore(infra.db),
    relay: infra.relay,
    db: infra.db,
    broker: infra.broker,
    version,
    corsOrigins: options.corsOrigins,
    servedContract: served,
    policy: new PolicyClient(options.policyUrl),
  };
  server.mount(createApiApp(withApiFaults(deps, infra.faults)));
  return { url, verifier };
}

export interface WsHubServiceOptions extends Partial<ServiceRuntime> {
  host: string;
  port: number;
  /** Expected `iss` of tokens, and where to fetch the JWKS (defaults to `<issuer>/.well-known/jwks.json`). */
  issuer: string;
  jwksUrl?: string;
  audience: string;
  /** The ws:// URL clients use (defaults to the bound address). */
  publicUrl?: string;
  log: (line: string) => void;
}

/**
 * The WebSocket hub (src/ws/hub.ts): subscribes to report-notify-queue (its own queue per instance) and pushes report.rendered to
 * /ws/public (reports in the publish lane only) and /ws/privileged (JWT with report:read; everything).
 */
export async function startWsHubService(infra: Infra, options: WsHubServiceOptions, cleanups: Cleanups): Promise<{ url: string; publicUrl: string; privilegedUrl: string }> {
  const verifier = new TokenVerifier({ issuer: options.issuer, audience: options.audience, jwksUrl: options.jwksUrl ?? `${options.issuer}/.well-known/jwks.json` });
  const runtime = runtimeOf(options);
  const hubOptions: WsHubOptions = {
    host: options.host,
    port: options.port,
    ...(options.publicUrl ? { baseUrl: options.publicUrl } : {}),
    verifier: authorizerFor(verifier, runtime),
    ops: serviceOps('ws-hub', runtime, { audience: options.audience, broker: infra.topology.exchange.name }, infraChecks(infra)),
    broker: infra.broker,
    log: options.log,
    lookup: async (publicId) => (await infra.store.anyReport(publicId))?.lane,
  };
  const hub = await startWsHub(withWsFaults(hubOptions, infra.faults));
  // Registered after the broker's cleanup, so it runs before it: clients get 1001 while the broker is still up.
  cleanups.push(() => hub.close());
  return { url: hub.url, publicUrl: hub.publicUrl, privilegedUrl: hub.privilegedUrl };
}

/** Analyzer and/or renderer consumers on the shared infrastructure. */
export async function startWorkers(infra: Infra, kinds: ('analyzer' | 'renderer')[], log: (line: string) => void, render?: RenderOptions): Promise<void> {
  const pipeline = new PipelineStore(infra.db);
  const deps = { broker: withWorkerFaults(infra.broker, infra.faults), pipeline, relay: infra.relay, log, faults: infra.faults };
  if (kinds.includes('analyzer')) await startAnalyzer({ ...deps, provider: new RulesProvider() });
  if (kinds.includes('renderer')) {
    // Pages carry absolute Open Graph URLs (link previews ignore relative ones), so this is required.
    if (!render) throw new Error('the renderer needs the public URL of the API its pages link to (PUBLIC_URL)');
    await startRenderer({ ...deps, ...render });
  }
}

/**
 * /healthz and /version (and the older /health, which compose used) for the workers, which have no HTTP
 * API of their own.
 */
export async function startHealthEndpoint(infra: Infra, service: 'analyzer' | 'renderer', host: string, port: number, cleanups: Cleanups, runtime: Partial<ServiceRuntime> = {}): Promise<{ url: string }> {
  const server = await listen(host, port);
  cleanups.push(() => server.close());
  const app = platformApp(serviceOps(service, runtimeOf(runtime), { broker: infra.topology.exchange.name, db: infra.database.source }, infraChecks(infra)), { healthAliases: ['/health'] });
  server.mount(withOpsFaults(service, app, infra.faults));
  return { url: server.url };
}

export interface GraphqlServiceOptions extends Partial<ServiceRuntime> {
  host: string;
  /** The gateway's port (0: any free port); the subgraphs listen on free ports of `host`. */
  port: number;
  verifier: Authorizer;
  corsOrigins: string[];
  log: (line: string) => void;
}

/** The GraphQL gateway and its subgraphs on the stack's database, behind the same JWT. */
export async function startGraphqlService(infra: Infra, options: GraphqlServiceOptions, cleanups: Cleanups): Promise<{ url: string; subgraphs: Record<string, string> }> {
  const runtime = runtimeOf(options);
  const graphql = await startGraphql({
    host: options.host,
    db: infra.db,
    verifier: authorizerFor(options.verifier, runtime),
    log: options.log,
    corsOrigins: options.corsOrigins,
    ports: { gateway: options.port },
    ops: serviceOps('graphql', runtime, { corsOrigins: options.corsOrigins }, { db: infraChecks(infra).db! }),
    faults: infra.faults,
  });
  cleanups.push(() => graphql.close());
  return { url: graphql.url, subgraphs: graphql.subgraphs };
}

/** `id:secret:scope scope,id2:secret2:scope` → clients (the issuer's configuration in containers). */
export function parseClients(spec: string): OAuthClient[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      // Scopes contain colons themselves (report:read): only the first two separate id and secret.
      const [clientId, clientSecret, ...rest] = entry.split(':');
      const scopes = rest.join(':');
      if (!clientId || !clientSecret) throw new Error(`OAUTH_CLIENTS entry "${entry.replace(/:.*/, ':***')}" must be id:secret[:scopes]`);
      return { clientId, clientSecret, scopes: scopes.split(/\s+/).filter(Boolean) };
    });
}

export const newSecret = () => randomBytes(24).toString('base64url');
