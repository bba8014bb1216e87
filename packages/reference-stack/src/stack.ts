import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fetchClientCredentialsToken } from '@cleanapp/api-client';
import type { SmokeTarget, TargetService, TestSigningKey } from '@cleanapp/contracts';
import { generateTestSigningKey } from './auth/keys.js';
import type { PublicClient, TestUser } from './auth/public-clients.js';
import type { Resolved } from './deps/resolve.js';
import type { Faults } from './faults.js';
import { Cleanups } from './http/listen.js';
import { stateDir } from './installation.js';
import { startPolicyService } from './policy/service.js';
import { authRequiredFrom } from './ops.js';
import { newSecret, startApiService, startGraphqlService, startHealthEndpoint, startInfra, startIssuerService, startWorkers, startWsHubService, type RuntimeMode } from './services.js';

export interface StackOptions {
  /** Overrides AMQP_URL / DATABASE_URL resolution. */
  amqpUrl?: string;
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  host?: string;
  /** Fixed ports (0 = any free port). */
  apiPort?: number;
  issuerPort?: number;
  wsPort?: number;
  /**
   * An explicit namespace (e.g. for compose or a shared dev stack): broker names get the prefix
   * `<namespace>.`, the database schema is `<namespace>`, and neither is removed on stop. `cleanapp` is
   * the canonical namespace: unprefixed broker names and schema `cleanapp` (what compose's services use).
   */
  namespace?: string;
  /**
   * Without `namespace`: a throwaway namespace `stack_<id>` (default true) — broker names get a unique
   * prefix and expire, the database schema is unique, and both are removed on stop, so parallel stacks
   * on a shared broker/database never meet; false = the canonical namespace `cleanapp`.
   */
  ephemeral?: boolean;
  /** Broker name map: an environment from the contract's x-cleanapp-name-maps. */
  brokerEnvironment?: string;
  corsOrigins?: string[];
  /**
   * Apps that sign users in with authorization code + PKCE. Default: `cleanapp-web`, redirect URI
   * `<origin>/callback` for each of `corsOrigins`, scopes report:submit report:read.
   */
  publicClients?: PublicClient[];
  /** Who may sign in on the issuer's login form. Default: `citizen` with a random password (RunningStack.login). */
  users?: TestUser[];
  /**
   * Where to write the target file. Default: `.stack/target-<namespace>.json` (target.json for `cleanapp`) in the
   * repo root of this checkout, or in the working directory when the package is installed.
   */
  targetFile?: string;
  runtimeMode?: RuntimeMode;
  /** false: every service accepts requests without a token (local development only). Default: AUTH_REQUIRED of `env`, on unless false. */
  authRequired?: boolean;
  log?: (line: string) => void;
  /** Deliberate faults for the suites' own tests (faults.ts); never set them otherwise. */
  faults?: Faults;
  /** The target's `environment` (e.g. production: the health suite then refuses services with auth off). */
  environment?: string;
}

/** `T` with the keys `K` present. */
type With<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

/**
 * The smoke target (@cleanapp/contracts target.schema.json) with the sections this stack always serves
 * present. `auth.testSigningKey`: the private JWK of the issuer's trusted test key (auth suite; this local stack only).
 */
export type StackTarget = With<SmokeTarget, 'auth' | 'amqp' | 'graphql' | 'websocket' | 'cors' | 'services'> & {
  auth: With<NonNullable<SmokeTarget['auth']>, 'audience' | 'testSigningKey'>;
  amqp: With<NonNullable<SmokeTarget['amqp']>, 'nameMap'>;
  websocket: With<NonNullable<SmokeTarget['websocket']>, 'publicUrl' | 'privilegedUrl'>;
  /** Every service this stack runs and where it answers (the health suite sweeps them all). */
  services: Record<string, TargetService>;
};

/** Where a stack's state lives on the shared broker and database. */
export interface StackNamespace {
  name: string;
  /** Prepended to every exchange and queue name ('' for the canonical namespace). */
  brokerPrefix: string;
  schema: string;
  /** A throwaway namespace: its queues, exchanges, schema and target file are removed on stop. */
  disposable: boolean;
}

export const CANONICAL_NAMESPACE = 'cleanapp';
const NAMESPACE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** The namespace a stack uses: explicit, canonical (ephemeral false) or throwaway (default). */
export function stackNamespace(options: Pick<StackOptions, 'namespace' | 'ephemeral'>, id: string): StackNamespace {
  const name = options.namespace ?? (options.ephemeral === false ? CANONICAL_NAMESPACE : `stack_${id}`);
  if (!NAMESPACE_NAME.test(name)) throw new Error(`Invalid namespace "${name}": lower-case letters, digits and _, starting with a letter (it names a database schema)`);
  const canonical = name === CANONICAL_NAMESPACE;
  return { name, brokerPrefix: canonical ? '' : `${name}.`, schema: name, disposable: options.namespace === undefined && !canonical };
}

export interface RunningStack {
  id: string;
  namespace: StackNamespace;
  target: StackTarget;
  targetFile: string;
  /** analyzer, renderer: their /healthz and /version (the workers have no other HTTP). */
  urls: { api: string; issuer: string; graphql: string; subgraphs: Record<string, string>; ws: string; analyzer: string; renderer: string; policy: string };
  /** What was used for each dependency, and where it came from. */
  dependencies: { amqp: Resolved; database: Resolved };
  /** Public clients and the users who sign in through them (authorization code + PKCE at `<issuer>/oauth/authorize`). */
  login: { authorizationUrl: string; tokenUrl: string; publicClients: PublicClient[]; users: TestUser[] };
  /** A client-credentials access token from the stack's own issuer (default: all of the client's scopes; client: the smoke client, or `moderation`). */
  token(scope?: string, client?: 'moderation'): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Promise.all that waits for every start to settle before failing: a service that started while another
 * failed has registered its cleanup, and stopping must not run while it is still starting.
 */
async function settledAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Starts every service in this process, on free ports, and writes a target file. */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const id = randomBytes(4).toString('hex');
  const namespace = stackNamespace(options, id);
  const ephemeral = namespace.disposable;
  const cleanups = new Cleanups(log);
  log(`[stack] namespace ${namespace.name}: broker prefix "${namespace.brokerPrefix}", database schema ${namespace.schema}${ephemeral ? '; removed on stop' : ''}`);

  try {
    // Start-up runs what does not depend on each other concurrently: the broker/database connection, the
    // RSA key generation (off the main thread) and each service's listen + set-up.
    const testSigningKeyMade = generateTestSigningKey();
    // If the infrastructure fails first, the key's own failure has nobody waiting for it.
    testSigningKeyMade.catch(() => undefined);
    const infra = await startInfra(
      {
        env,
        log,
        schema: namespace.schema,
        dropSchemaOnStop: ephemeral,
        expiringBrokerNames: ephemeral,
        deleteBrokerNamesOnStop: ephemeral,
        ...(options.amqpUrl ? { amqpUrl: options.amqpUrl } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.brokerEnvironment ? { brokerEnvironment: options.brokerEnvironment } : {}),
        ...(namespace.brokerPrefix ? { brokerPrefix: namespace.brokerPrefix } : {}),
        ...(options.faults ? { faults: options.faults } : {}),
      },
      cleanups,
    );
    const audience = 'cleanapp-api';
    // synthetic_prefix: the policy lets this client delete only synthetic data under smoke- (its runs' smoke-<runId>-).
    const client = { clientId: 'smoke-runner', clientSecret: newSecret(), scopes: ['report:submit', 'report:read', 'admin'], syntheticPrefix: 'smoke-' };
    // The one client the policy lets promote reports out of quarantine.
    const moderation = { clientId: 'moderation', clientSecret: newSecret(), scopes: ['report:read', 'admin'] };
    const runtime = { runtimeMode: options.runtimeMode ?? 'embedded', authRequired: options.authRequired ?? authRequiredFrom(env) } as const;
    const corsOrigins = options.corsOrigins ?? ['http://localhost:5173'];
    // A browser app on each allowed origin, and a user to sign in with: the authorization-code flow works out of the box.
    const publicClients = options.publicClients ?? [{ clientId: 'cleanapp-web', redirectUris: corsOrigins.map((o) => `${o}/callback`), scopes: ['report:submit', 'report:read'] }];
    const users = options.users ?? [{ username: 'citizen', password: newSecret() }];
    // A trusted test key in the JWKS, its private JWK in the target file: the auth suite mints tokens with it.
    // The token issuer (the API and the hub verify against its JWKS over HTTP, fetched on first use, as they
    // would from a separate service) and the policy decision point (the API asks it over HTTP, as it would
    // ask an OPA sidecar) have no dependency on each other.
    const [testSigningKey, issuer, policy] = await settledAll([
      testSigningKeyMade,
      testSigningKeyMade.then((testSigningKey) =>
        startIssuerService({ ...runtime, host, port: options.issuerPort ?? 0, audience, clients: [client, moderation], publicClients, users, corsOrigins, testSigningKey }, cleanups),
      ),
      startPolicyService(infra, { ...runtime, host, port: 0, faults: infra.faults }, cleanups),
    ] as const);
    const api = await startApiService(
      infra,
      { ...runtime, host, port: options.apiPort ?? 0, issuer: issuer.url, audience, corsOrigins, policyUrl: policy.url },
      cleanups,
    );
    const [, [analyzer, renderer], ws, graphql] = await settledAll([
      // After the API: the renderer's pages link to its URL.
      startWorkers(infra, ['analyzer', 'renderer'], log, { publicUrl: api.url }),
      settledAll((['analyzer', 'renderer'] as const).map((worker) => startHealthEndpoint(infra, worker, host, 0, cleanups, runtime))),
      startWsHubService(infra, { ...runtime, host, port: options.wsPort ?? 0, issuer: issuer.url, audience, log }, cleanups),
      // GraphQL: subgraphs `reports` + `analysis` and the gateway at /graphql, behind the same JWT.
      startGraphqlService(infra, { ...runtime, host, port: 0, verifier: api.verifier, log, corsOrigins }, cleanups),
    ] as const);

    const nameMap: Record<string, string> = {};
    for (const q of [...infra.topology.queues, ...infra.topology.subscriptions]) nameMap[q.canonical] = q.name;
    const target: StackTarget = {
      name: namespace.name === CANONICAL_NAMESPACE ? 'embedded' : `embedded-${namespace.name}`,
      namespace: namespace.name,
      rest: { baseUrl: api.url },
      auth: { tokenUrl: `${issuer.url}/oauth/token`, clientId: client.clientId, clientSecret: client.clientSecret, audience, testSigningKey: testSigningKey as TestSigningKey },
      amqp: {
        url: infra.amqp.url,
        nameMap: { 'cleanapp-exchange': infra.topology.exchange.name, 'cleanapp-dlx': infra.topology.deadLetterExchange.name, ...nameMap },
      },
      graphql: { url: graphql.url, subgraphs: graphql.subgraphs },
      // The perf suite: every service shares this one process, so one connection measures latency rather than
      // the event loop queueing the gateway's own subgraph calls; 100 requests keep the suite at a few seconds.
      // rate: one connection already waits for each answer, so the contract's polite 200/s (a floor of 5 ms a
      // request, 0.5 s per 100 sub-millisecond health answers) would only add idle time on this local stack.
      // The gateway's p95 overhead (contract: 10 ms, for a gateway in its own process) is here paid in turns of
      // the one event loop every suite of a run loads: 7-8 ms alone, 41 ms measured in a full `pnpm smoke`.
      latency: { connections: 1, maxRequests: 100, rate: 2000, budgets: { graphql: { overheadMs: 100 } } },
      websocket: { publicUrl: ws.publicUrl, privilegedUrl: ws.privilegedUrl },
      cors: { allowedOrigin: corsOrigins[0]! },
      policy: { url: policy.url },
      services: Object.fromEntries(
        Object.entries({ api: api.url, 'token-issuer': issuer.url, analyzer: analyzer!.url, renderer: renderer!.url, graphql: new URL(graphql.url).origin, 'ws-hub': ws.url.replace(/^ws/, 'http'), policy: policy.url })
          .map(([name, baseUrl]) => [name, { baseUrl }]),
      ),
      ...(options.environment ? { environment: options.environment } : {}),
    };
    const targetFile = options.targetFile ?? join(stateDir(), '.stack', namespace.name === CANONICAL_NAMESPACE ? 'target.json' : `target-${namespace.name}.json`);
    mkdirSync(dirname(targetFile), { recursive: true });
    // The file holds the client secret and test signing key of this local stack; readable by the owner only.
    writeFileSync(targetFile, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 });
    // A throwaway stack's target (with its client secret) is meaningless once the stack is gone.
    if (ephemeral) cleanups.push(async () => rmSync(targetFile, { force: true }));
    log(`[stack] api ${api.url}, token issuer ${issuer.url}, graphql ${graphql.url}, websocket ${ws.url}`);

    return {
      id,
      namespace,
      target,
      targetFile,
      urls: { api: api.url, issuer: issuer.url, graphql: graphql.url, subgraphs: graphql.subgraphs, ws: ws.url, analyzer: analyzer!.url, renderer: renderer!.url, policy: policy.url },
      dependencies: { amqp: infra.amqp, database: infra.database },
      login: { authorizationUrl: `${issuer.url}/oauth/authorize`, tokenUrl: `${issuer.url}/oauth/token`, publicClients, users },
      token: async (scope, as) =>
        (await fetchClientCredentialsToken(as === 'moderation' ? { ...target.auth, clientId: moderation.clientId, clientSecret: moderation.clientSecret } : target.auth, scope ?? '')).accessToken,
      stop: () => cleanups.run(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}
