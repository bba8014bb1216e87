import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TokenError } from '@cleanapp/api-client';
import type { Target } from './target.js';
import { fetchToken } from './token.js';

export interface ProbeResult {
  url: string;
  /** The target field the URL came from. */
  field: string;
  reachable: boolean;
  /** HTTP status when reachable. */
  status?: number;
  /** Why not, e.g. `connect ECONNREFUSED <host>:<port>`. */
  reason?: string;
}

/**
 * Sends one request and reports whether anything answered over HTTP (any status counts). Uses node:http
 * rather than fetch so ports fetch refuses (e.g. 1, 9) still give the real connect error.
 */
export function probeUrl(url: string, options: { method?: string; timeoutMs?: number; field?: string } = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const field = options.field ?? '';
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<ProbeResult, 'url' | 'field'>) => {
      if (settled) return;
      settled = true;
      resolve({ url, field, ...r });
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      done({ reachable: false, reason: 'not a URL' });
      return;
    }
    const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(parsed, { method: options.method ?? 'GET', timeout: timeoutMs, headers: { 'x-request-id': 'smoke-probe' } }, (res) => {
      done({ reachable: true, status: res.statusCode ?? 0 });
      res.resume();
      req.destroy();
    });
    const onTimeout = () => {
      done({ reachable: false, reason: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    };
    req.on('timeout', onTimeout);
    // Backstop for phases the socket timeout does not cover (slow DNS).
    const timer = setTimeout(onTimeout, timeoutMs + 250);
    timer.unref();
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const agg = (err as { errors?: Error[] }).errors;
      done({ reachable: false, reason: agg?.[0]?.message ?? err.message ?? err.code });
    });
    req.end();
  });
}

/** Probes `rest.baseUrl + /api/v4/health` and, when the target has auth, the token URL (in parallel). */
export async function probeTarget(target: Target, options: { timeoutMs?: number } = {}): Promise<ProbeResult[]> {
  const checks = [probeUrl(`${target.rest.baseUrl}/api/v4/health`, { ...options, field: 'rest.baseUrl' })];
  if (target.auth) checks.push(probeUrl(target.auth.tokenUrl, { ...options, method: 'POST', field: 'auth.tokenUrl' }));
  return Promise.all(checks);
}

/**
 * Asks the token endpoint for a token once (no scope: the client's default), so an endpoint that
 * answers but issues no token (404, HTML, JSON without access_token) is one configuration error naming
 * the field instead of one TokenError per check. A refused scope still proves the endpoint works.
 */
export async function probeTokenEndpoint(target: Target, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<string | undefined> {
  if (!target.auth) return undefined;
  try {
    await fetchToken(target, [], { timeoutMs: options.timeoutMs ?? 5000, force: true, ...(options.fetch ? { fetch: options.fetch } : {}) });
    return undefined;
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    if (err.oauthError === 'invalid_scope') return undefined;
    const field = err.oauthError === 'invalid_client' || err.oauthError === 'unauthorized_client' ? 'auth.clientId, auth.clientSecret' : 'auth.tokenUrl';
    return `token endpoint issues no token: ${err.message} [${field}]`;
  }
}
