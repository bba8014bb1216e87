// Starts the two subgraphs and the gateway (each its own HTTP server, as separate services would be).
// The gateway plans every operation over the committed supergraph and calls the subgraphs over HTTP.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { contractPaths } from '@cleanapp/contracts';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { NO_FAULTS, type Faults } from '../faults.js';
import { withGraphqlFaults } from '../faults/graphql.js';
import type { Authorizer } from '../http/auth/index.js';
import { bind, closeServer, createHttpServer } from '../http/listen.js';
import type { Ops } from '../http/ops/index.js';
import type { Queryable } from '../store/db.js';
import { analysisSubgraphSdl, buildAnalysisSchema } from './analysis.js';
import { useFiniteNumbers } from './finite.js';
import { requestIdOf, useHttp } from './http.js';
import { buildReportsSchema, reportsSubgraphSdl } from './reports.js';

export interface GraphqlOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** The stack's database (reports table). */
  db: Queryable;
  /** Verifies bearer tokens; every GraphQL request needs `report:read`. */
  verifier: Authorizer;
  log?: (line: string) => void;
  /** Fixed ports (0 / omitted = any free port). */
  ports?: { gateway?: number; reports?: number; analysis?: number };
  /** Supergraph SDL to serve (default: the committed contracts/generated/supergraph.graphql). */
  supergraphSdl?: string;
  /** Timeout of one subgraph call from the gateway, ms (default 10 s). */
  subgraphTimeoutMs?: number;
  /** Browser origins allowed to call the gateway (CORS); default none. Subgraphs never answer CORS. */
  corsOrigins?: string[];
  /** The gateway's /healthz and /version. */
  ops?: Ops;
  /** Deliberate faults for the suites' own tests (outdated subgraph or gateway); none in any real use. */
  faults?: Faults;
}

export interface RunningGraphql {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** Each subgraph's GraphQL endpoint by subgraph name (reports, analysis). */
  subgraphs: Record<string, string>;
  close(): Promise<void>;
}

function logger(service: string, log: (line: string) => void): YogaLogger {
  const line = (level: string) => (...args: unknown[]) =>
    log(`[graphql:${service}] ${level} ${args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  return { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
}

/** A yoga server on the stack's one HTTP plumbing (body limit, 431/400 envelopes). */
function serverFor(service: string, schema: GraphQLSchema, verifier: Authorizer, log: (line: string) => void, corsOrigins: string[] = [], ops?: Ops): Server {
  const yoga = yogaFor(service, schema, verifier, log, corsOrigins, ops);
  return createHttpServer((request) => yoga.fetch(request));
}

function yogaFor(service: string, schema: GraphQLSchema, verifier: Authorizer, log: (line: string) => void, corsOrigins: string[], ops?: Ops): YogaServerInstance<Record<string, unknown>, Record<string, unknown>> {
  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    cors: false,
    graphiql: false,
    landingPage: false,
    logging: logger(service, log),
    plugins: [useHttp({ authorizer: verifier, cors: { origins: corsOrigins, methods: ['GET', 'POST'], allowHeaders: ['authorization', 'content-type', 'accept', 'x-request-id'] }, ...(ops ? { ops } : {}) }), useFiniteNumbers()],
  });
}

/** Starts the `reports` and `analysis` subgraphs and the gateway at `/graphql`. */
export async function startGraphql(options: GraphqlOptions): Promise<RunningGraphql> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const servers: Server[] = [];
  const close = async () => {
    await Promise.all(servers.splice(0).map(closeServer));
  };
  try {
    const contract = withGraphqlFaults(
      { subgraphs: { reports: reportsSubgraphSdl(), analysis: analysisSubgraphSdl() }, supergraph: options.supergraphSdl ?? readFileSync(contractPaths.supergraph, 'utf8') },
      options.faults ?? NO_FAULTS,
    );
    const subgraphs: Record<string, string> = {};
    const builders: [string, GraphQLSchema][] = [
      ['reports', buildReportsSchema(options.db, contract.subgraphs.reports)],
      ['analysis', buildAnalysisSchema(options.db, contract.subgraphs.analysis)],
    ];
    for (const [name, schema] of builders) {
      const server = serverFor(name, schema, options.verifier, log);
      servers.push(server);
      subgraphs[name] = `${await bind(server, host, options.ports?.[name as 'reports' | 'analysis'] ?? 0)}/graphql`;
    }

    const supergraphSdl = contract.supergraph;
    const timeout = options.subgraphTimeoutMs ?? 10_000;
    const gatewaySchema = getStitchedSchemaFromSupergraphSdl({
      supergraphSdl,
      // The committed supergraph names placeholder URLs; route each subgraph to where it runs.
      httpExecutorOpts: ({ name }) => {
        const endpoint = subgraphs[name.toLowerCase()];
        if (!endpoint) throw new Error(`The supergraph names subgraph "${name}", which this stack does not run`);
        return {
          endpoint,
          // The executor's own `timeout` option combines signals in a way that piles abort listeners on a
          // shared signal (MaxListenersExceededWarning under load); AbortSignal.any does not.
          fetch: (url: string, init?: RequestInit) =>
            fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout) }),
          // Subgraphs check the same JWT; forward the caller's token and request id.
          headers: (request) => {
            const incoming = (request?.context as { request?: Request } | undefined)?.request;
            const headers: Record<string, string> = {};
            const authorization = incoming?.headers.get('authorization');
            if (authorization) headers.authorization = authorization;
            const requestId = requestIdOf(incoming);
            if (requestId) headers['x-request-id'] = requestId;
            return headers;
          },
        };
      },
    });
    const gateway = serverFor('gateway', gatewaySchema, options.verifier, log, options.corsOrigins, options.ops);
    servers.push(gateway);
    const url = `${await bind(gateway, host, options.ports?.gateway ?? 0)}/graphql`;
    log(`[graphql] gateway ${url}; subgraphs ${Object.entries(subgraphs).map(([n, u]) => `${n} ${u}`).join(', ')}`);
    return { url, subgraphs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
