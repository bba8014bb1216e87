#!/usr/bin/env node
// `pnpm stack [service]`: with no service (or `all`) starts the whole reference stack in this process,
// writes a target file and prints its path; with a service name starts only that service, configured by
// environment variables (what compose/ runs). Runs until SIGINT/SIGTERM/SIGHUP, or until the process that
// started it goes away (pnpm does not forward signals to its script): it never outlives its launcher.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withSyntheticPrefixes } from './auth/issuer.js';
import { parsePublicClients, parseUsers } from './auth/public-clients.js';
import { TokenVerifier } from './auth/verify.js';
import { DependencyNotFoundError, resolveDatabase } from './deps/resolve.js';
import { Cleanups } from './http/listen.js';
import { authRequiredFrom } from './ops.js';
import { parseClients, startApiService, startGraphqlService, startHealthEndpoint, startInfra, startIssuerService, startWorkers, startWsHubService, type RuntimeMode } from './services.js';
import { parseFaults } from './faults.js';
import { stopOnExitOf } from './lifetime.js';
import { policyFromText } from './policy/engine.js';
import { startPolicyService } from './policy/service.js';
import { openDatabase } from './store/db.js';
import { startStack } from './stack.js';

const SERVICES = ['all', 'api', 'token-issuer', 'analyzer', 'renderer', 'graphql', 'ws-hub', 'policy'] as const;
type Service = (typeof SERVICES)[number];

const USAGE = `Usage: cleanapp-stack [all|api|token-issuer|analyzer|renderer|graphql|ws-hub|policy] [options]
       (in this repo: pnpm stack …)

all (default)   every service in one process on free ports; writes a target file and prints its path
                --api-port N --issuer-port N --host H --target-file F --broker-environment ENV
                --namespace NAME (or CLEANAPP_NAMESPACE): broker prefix NAME. and database schema NAME,
                kept on stop; \`cleanapp\` = the canonical names. Default: a throwaway stack_<id>
                namespace, removed on stop, so stacks on one broker and database never meet
<service>       one service, configured by environment variables:
  all services  HOST (127.0.0.1), PORT, CLEANAPP_RUNTIME_MODE (standalone|container), AUTH_REQUIRED
                (default true; false = accept requests without a token, local development only);
                GET /healthz (200 ready, 503 naming the dependency that is down) and GET /version
  api, workers  AMQP_URL, DATABASE_URL, DATABASE_SCHEMA (cleanapp), BROKER_ENVIRONMENT, BROKER_PREFIX
                (isolates several stacks on one broker)
  token-issuer  PORT (8081), ISSUER_URL (public URL, default the bound one), OAUTH_CLIENTS
                ("id:secret:scope scope,..."), TOKEN_AUDIENCE (cleanapp-api), OAUTH_SYNTHETIC_PREFIXES
                ("id=prefix,...": the synthetic_prefix claim, the synthetic data a client may delete),
                OAUTH_PUBLIC_CLIENTS ("id|redirect_uri redirect_uri|scope scope,...": apps using
                authorization code + PKCE, no secret, never admin), OAUTH_USERS ("username:password,...":
                who signs in on /oauth/authorize), CORS_ORIGINS (browser origins of the token endpoint)
  api           PORT (8080), TOKEN_ISSUER (required: the issuer URL tokens carry), JWKS_URL
                (default TOKEN_ISSUER/.well-known/jwks.json), CORS_ORIGINS (comma separated), PUBLIC_URL,
                TOKEN_URL (the token endpoint clients reach; default TOKEN_ISSUER/oauth/token),
                AUTHORIZATION_URL (default TOKEN_ISSUER/oauth/authorize): they go into the served
                /api/v4/openapi.json; POLICY_URL (required: the policy decision point)
  policy        PORT (8181), DATABASE_URL, DATABASE_SCHEMA (the decision log's table), POLICY_FILE (a
                Cedar policy; default the canonical contracts/policy/cleanapp.cedar)
  analyzer, renderer  HEALTH_PORT (8090): GET /healthz, /version (and /health) for container health checks
  renderer      PUBLIC_URL (required: the API's public URL; the pages' og:image and og:url)
  graphql       PORT (4000) for the gateway's /graphql, TOKEN_ISSUER, JWKS_URL, CORS_ORIGINS,
                DATABASE_URL, DATABASE_SCHEMA; the subgraphs listen on free ports of HOST
  ws-hub        PORT (8082), TOKEN_ISSUER, JWKS_URL, PUBLIC_URL (ws:// URL clients use); /ws/public,
                /ws/privileged and GET /health

Broker: AMQP_URL, else 127.0.0.1:5672, else testcontainers. Database: DATABASE_URL (postgres:// or
pglite:DIR), else 127.0.0.1:5432, else testcontainers, else embedded PGlite.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'api-port': { type: 'string' },
    'issuer-port': { type: 'string' },
    host: { type: 'string' },
    'target-file': { type: 'string' },
    'broker-environment': { type: 'string' },
    namespace: { type: 'string' },
    // Accepted for old scripts: throwaway is the default now.
    ephemeral: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const service = (positionals[0] ?? 'all') as Service;
if (!SERVICES.includes(service)) {
  console.error(`Unknown service "${positionals[0]}" (known: ${SERVICES.join(', ')})\n\n${USAGE}`);
  process.exit(2);
}

const env = process.env;
const log = (line: string) => console.error(line);
const mode: RuntimeMode = env.CLEANAPP_RUNTIME_MODE === 'container' ? 'container' : 'standalone';
const runtime = { runtimeMode: mode, authRequired: authRequiredFrom(env) };
const required = (name: string): string => {
  const value = env[name];
  if (!value) {
    console.error(`${service}: environment variable ${name} is required\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
};

async function startOne(): Promise<() => Promise<void>> {
  const cleanups = new Cleanups(log);
  const host = env.HOST ?? '127.0.0.1';
  const audience = env.TOKEN_AUDIENCE ?? 'cleanapp-api';
  try {
    if (service === 'token-issuer') {
      const clients = withSyntheticPrefixes(parseClients(required('OAUTH_CLIENTS')), env.OAUTH_SYNTHETIC_PREFIXES ?? '');
      const publicClients = parsePublicClients(env.OAUTH_PUBLIC_CLIENTS ?? '');
      const users = parseUsers(env.OAUTH_USERS ?? '');
      const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      const issuer = await startIssuerService(
        { ...runtime, host, port: Number(env.PORT ?? 8081), audience, clients, publicClients, users, corsOrigins, ...(env.ISSUER_URL ? { publicUrl: env.ISSUER_URL } : {}) },
        cleanups,
      );
      log(`[token-issuer] ${issuer.url} (${clients.length} clients, ${publicClients.length} public clients, ${users.length} users)`);
      return () => cleanups.run();
    }
    if (service === 'policy') {
      // The decision point needs only the database (its decision log), not the broker.
      const database = env.DATABASE_URL ? { url: env.DATABASE_URL, source: 'env' as const, stop: async () => undefined } : await resolveDatabase({ env });
      cleanups.push(database.stop);
      const db = await openDatabase(database.url, env.DATABASE_SCHEMA ?? 'cleanapp');
      cleanups.push(() => db.close());
      const policy = env.POLICY_FILE ? { policy: policyFromText(readFileSync(env.POLICY_FILE, 'utf8')) } : {};
      const pdp = await startPolicyService({ db, database }, { ...runtime, host, port: Number(env.PORT ?? 8181), faults: parseFaults(env.CLEANAPP_FAULTS), ...policy }, cleanups);
      log(`[policy] ${pdp.url} enforcing ${pdp.revision}`);
      return () => cleanups.run();
    }
    const issuerUrl = service === 'api' || service === 'graphql' || service === 'ws-hub' ? required('TOKEN_ISSUER') : '';
    const renderer = service === 'renderer' ? { publicUrl: required('PUBLIC_URL') } : undefined;
    const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
    const infra = await startInfra(
      {
        env,
        log,
        schema: env.DATABASE_SCHEMA ?? 'cleanapp',
        ...(env.BROKER_ENVIRONMENT ? { brokerEnvironment: env.BROKER_ENVIRONMENT } : {}),
        ...(env.BROKER_PREFIX ? { brokerPrefix: env.BROKER_PREFIX } : {}),
        faults: parseFaults(env.CLEANAPP_FAULTS),
      },
      cleanups,
    );
    if (service === 'api') {
      const api = await startApiService(
        infra,
        {
          host,
          port: Number(env.PORT ?? 8080),
          issuer: issuerUrl,
          audience,
          corsOrigins,
          policyUrl: required('POLICY_URL'),
          ...runtime,
          ...(env.JWKS_URL ? { jwksUrl: env.JWKS_URL } : {}),
          ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
          ...(env.TOKEN_URL ? { tokenUrl: env.TOKEN_URL } : {}),
          ...(env.AUTHORIZATION_URL ? { authorizationUrl: env.AUTHORIZATION_URL } : {}),
        },
        cleanups,
      );
      log(`[api] ${api.url}`);
    } else if (service === 'ws-hub') {
      const ws = await startWsHubService(
        infra,
        { ...runtime, host, port: Number(env.PORT ?? 8082), issuer: issuerUrl, audience, log, ...(env.JWKS_URL ? { jwksUrl: env.JWKS_URL } : {}), ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}) },
        cleanups,
      );
      log(`[ws-hub] ${ws.url}`);
    } else if (service === 'graphql') {
      const verifier = new TokenVerifier({ issuer: issuerUrl, audience, jwksUrl: env.JWKS_URL ?? `${issuerUrl}/.well-known/jwks.json` });
      const graphql = await startGraphqlService(infra, { ...runtime, host, port: Number(env.PORT ?? 4000), verifier, log, corsOrigins }, cleanups);
      log(`[graphql] ${graphql.url}`);
    } else {
      await startWorkers(infra, [service as 'analyzer' | 'renderer'], log, renderer);
      const health = await startHealthEndpoint(infra, service as 'analyzer' | 'renderer', host, Number(env.HEALTH_PORT ?? 8090), cleanups, runtime);
      log(`[${service}] consuming; health at ${health.url}/healthz`);
    }
    return () => cleanups.run();
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

try {
  let stop: () => Promise<void>;
  if (service === 'all') {
    const stack = await startStack({
      faults: parseFaults(env.CLEANAPP_FAULTS),
      runtimeMode: mode,
      ...((values.namespace ?? env.CLEANAPP_NAMESPACE) ? { namespace: values.namespace ?? env.CLEANAPP_NAMESPACE } : {}),
      log,
      ...(values['api-port'] ? { apiPort: Number(values['api-port']) } : {}),
      ...(values['issuer-port'] ? { issuerPort: Number(values['issuer-port']) } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values['target-file'] ? { targetFile: values['target-file'] } : {}),
      ...(values['broker-environment'] ? { brokerEnvironment: values['broker-environment'] } : {}),
    });
    console.log(stack.targetFile);
    for (const user of stack.login.users) log(`[stack] sign in on ${stack.login.authorizationUrl} as ${user.username} / ${user.password} (public client ${stack.login.publicClients.map((c) => c.clientId).join(', ')})`);
    stop = stack.stop;
  } else {
    stop = await startOne();
  }
  stopOnExitOf(stop, log);
} catch (error) {
  console.error(error instanceof DependencyNotFoundError ? error.message : `Could not start ${service}: ${(error as Error).stack}`);
  process.exit(2);
}
