import { randomBytes } from 'node:crypto';
import { createApiClient, generateRequestId, type ApiClient } from '@cleanapp/api-client';
import { recordingFetch } from './exchange.js';
import { registeredSecrets, registerSecret } from './mask.js';
import type { Target } from './target.js';
import { fetchToken, type TokenOptions } from './token.js';

/** The environment variable through which the runner hands the suites what `suiteContext()` returns. */
export const SUITE_CONTEXT_ENV = 'CLEANAPP_SMOKE_CONTEXT';

/** What the runner hands each suite process: the target it parsed and validated, the run id, the secrets to mask. */
interface SuiteHandoff {
  target: Target;
  runId: string;
  secrets: string[];
}

export interface SmokeFetchInit extends RequestInit {
  /** Send `Authorization: Bearer <token>` for these scopes. */
  scopes?: readonly string[];
  /** `X-Request-ID` to send; a fresh one by default, `false` to send none. */
  requestId?: string | false;
}

/** What a suite works with: the target, its clients and helpers for synthetic data. */
export interface SmokeContext {
  target: Target;
  /** Identifies this run in synthetic data (`smoke-<runId>-…`). */
  runId: string;
  /** A typed client that sends a bearer token for `scopes` (fetched and cached through auth.tokenUrl). */
  api(...scopes: string[]): ApiClient;
  /** A typed client that sends no Authorization header. */
  anonymous: ApiClient;
  /** An access token for `scopes`. */
  token(...scopes: string[]): Promise<string>;
  /** A raw, recorded fetch relative to rest.baseUrl (for requests the typed client cannot make, e.g. malformed JSON). */
  fetch(path: string, init?: SmokeFetchInit): Promise<Response>;
  /** rest.baseUrl + path. */
  url(path: string): string;
  /** A fresh synthetic `source_id`: `smoke-<runId>-<label>-<random>`. */
  sourceId(label?: string): string;
}

export interface TargetClientOptions {
  runId?: string;
  /** Underlying fetch (tests); every request is still recorded. */
  fetch?: typeof globalThis.fetch;
  token?: TokenOptions;
}

/** A run id usable inside a source_id (`[A-Za-z0-9]`). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Builds the clients and helpers for a target. */
export function createTargetClients(target: Target, options: TargetClientOptions = {}): SmokeContext {
  const runId = (options.runId ?? newRunId()).replace(/[^A-Za-z0-9.-]/g, '');
  const fetch = recordingFetch(options.fetch);
  const token = async (...scopes: string[]) => (await fetchToken(target, scopes, { ...options.token, ...(options.fetch ? { fetch: options.fetch } : {}) })).accessToken;
  const url = (path: string) => `${target.rest.baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
  let counter = 0;
  return {
    target,
    runId,
    api: (...scopes: string[]) => createApiClient({ baseUrl: target.rest.baseUrl, token: () => token(...scopes), fetch }),
    anonymous: createApiClient({ baseUrl: target.rest.baseUrl, fetch }),
    token,
    url,
    async fetch(path: string, init: SmokeFetchInit = {}) {
      const { scopes, requestId, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (requestId !== false && !headers.has('x-request-id')) headers.set('x-request-id', requestId ?? generateRequestId());
      if (scopes && !headers.has('authorization')) headers.set('authorization', `Bearer ${await token(...scopes)}`);
      return fetch(url(path), { ...rest, headers });
    },
    sourceId(label = 'report') {
      counter += 1;
      return `smoke-${runId}-${label.replace(/[^A-Za-z0-9._:-]/g, '-')}-${counter}${randomBytes(3).toString('hex')}`.slice(0, 128);
    },
  };
}

/** The value of `SUITE_CONTEXT_ENV` for a run: the parsed target, the run id and every secret registered so far. */
export function suiteHandoff(target: Target, runId: string): string {
  return JSON.stringify({ target, runId, secrets: registeredSecrets() } satisfies SuiteHandoff);
}

let current: SmokeContext | undefined;

/**
 * This run's target and clients, as handed over by the runner (parsed and validated once, by the CLI);
 * built once per test file (vitest isolates modules per file).
 */
export function suiteContext(): SmokeContext {
  if (current) return current;
  const handoff = process.env[SUITE_CONTEXT_ENV];
  if (!handoff) throw new Error(`${SUITE_CONTEXT_ENV} is not set: run the suites through \`pnpm smoke\``);
  const { target, runId, secrets } = JSON.parse(handoff) as SuiteHandoff;
  for (const secret of secrets) registerSecret(secret);
  current = createTargetClients(target, { runId });
  return current;
}
