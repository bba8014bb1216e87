import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOpenApi, OpenApiValidator } from '@cleanapp/contracts';
import { stringify } from 'safe-stable-stringify';
import type { Target } from '../target.js';

/**
 * Ways the fake API can break the contract, so tests can prove a suite notices.
 * - `no-request-id`: no X-Request-ID header on any answer
 * - `health-down`: health answers 200 with the db dependency down
 * - `no-replay`: a repeated submission gets a new receipt instead of a replay
 * - `envelope-request-id`: error envelopes carry a request_id different from the header
 * - `no-auth`: submissions without a token are accepted
 */
export type Fault = 'no-request-id' | 'health-down' | 'no-replay' | 'envelope-request-id' | 'no-auth';

export interface FakeTarget {
  target: Target;
  /** The target written as JSON (what `--target` takes). */
  targetFile: string;
  baseUrl: string;
  tokenUrl: string;
  clientSecret: string;
  /** Access tokens handed out so far. */
  issuedTokens: string[];
  /** Requests seen (method, path, headers). */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  faults: Set<Fault>;
  stop(): Promise<void>;
}

export interface FakeTargetOptions {
  faults?: Fault[];
  tokenLifetimeSeconds?: number;
  clientId?: string;
  clientSecret?: string;
}

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 12)}`;


/**
 * A small in-process implementation of the REST contract and the token endpoint (node:http), for the
 * kit's own tests and for proving suites fail against a faulty target. Not the reference stack.
 */
export async function startFakeTarget(options: FakeTargetOptions = {}): Promise<FakeTarget> {
  const clientId = options.clientId ?? 'smoke-runner';
  const clientSecret = options.clientSecret ?? `fake-secret-${randomBytes(8).toString('hex')}`;
  const faults = new Set<Fault>(options.faults ?? []);
  const validator = new OpenApiValidator();
  const tokens = new Map<string, string[]>();
  const issuedTokens: string[] = [];
  const requests: FakeTarget['requests'] = [];
  type Stored = { receipt_id: string; public_id: string; seq: number; source_id: string; lane: 'publish' | 'quarantine'; hash: string; body: Record<string, unknown>; created_at: string };
  const bySource = new Map<string, Stored>();
  const byReceipt = new Map<string, Stored>();
  const byPublic = new Map<string, Stored>();
  let seq = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
    if (url.pathname === '/oauth/token') return token(req, res, raw);
    const sent = req.headers['x-request-id'];
    const requestId = typeof sent === 'string' && sent ? sent : randomUUID();
    if (!faults.has('no-request-id')) res.setHeader('x-request-id', requestId);
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-process-time', (performance.now() - started).toFixed(2));
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string, details?: { location: string; message: string }[]) =>
      json(status, { error: { code, message, ...(details ? { details } : {}), request_id: faults.has('envelope-request-id') ? 'not-the-header' : requestId } });
    const authorize = (scope: string): boolean => {
      if (faults.has('no-auth')) return true;
      const header = req.headers.authorization ?? '';
      const granted = header.startsWith('Bearer ') ? tokens.get(header.slice(7)) : undefined;
      if (!granted) {
        fail(401, 'unauthorized', 'a valid bearer token is required');
        return false;
      }
      if (!granted.includes(scope)) {
        fail(403, 'forbidden', `scope ${scope} is required`);
        return false;
      }
      return true;
    };
    const now = new Date().toISOString();

    if (req.method === 'GET' && url.pathname === '/api/v4/health') {
      return json(200, {
        status: 'ok',
        service: 'fake-api',
        time: now,
        dependencies: { amqp: { status: 'up', latency_ms: 0.1 }, db: { status: faults.has('health-down') ? 'down' : 'up', latency_ms: 0.1 } },
      });
    }
    if (req.method === 'GET' && url.pathname === '/healthz') {
      return json(200, { status: 'ok', service: 'fake-api', time: now, dependencies: { db: { status: 'up', latency_ms: 0.1 } } });
    }
    if (req.method === 'GET' && url.pathname === '/version') {
      return json(200, { service: 'fake-api', version: '4.0.0', git_sha: 'unknown', build_time: now, config_version: '1', runtime_mode: 'embedded', auth_required: true });
    }
    if (req.method === 'GET' && url.pathname === '/api/v4/openapi.json') return json(200, loadOpenApi());
    if (url.pathname === '/api/v4/reports' && req.method === 'POST') {
      if (!authorize('report:submit')) return;
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/json') return fail(415, 'unsupported_media_type', `Content-Type must be application/json, got ${type || 'none'}`);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (err) {
        return fail(400, 'bad_request', 'the body is not valid JSON', [{ location: 'body', message: (err as Error).message }]);
      }
      const problems = validator.validateRequest(validator.operation('submitReport'), { body, headers: new Headers() });
      if (problems.length > 0) return fail(400, 'validation_failed', 'the request does not match the contract', problems);
      const submission = body as Record<string, unknown> & { source_id: string; lane?: 'publish' | 'quarantine' };
      const hash = createHash('sha256').update(stringify(submission) ?? '').digest('hex');
      const existing = bySource.get(submission.source_id);
      if (existing && !faults.has('no-replay')) {
        if (existing.hash !== hash) return fail(409, 'conflict', `source_id ${submission.source_id} was used for different content`);
        return json(202, { receipt_id: existing.receipt_id, public_id: existing.public_id, seq: existing.seq, status: 'queued', lane: existing.lane, idempotency_replay: true });
      }
      seq += 1;
      const stored: Stored = { receipt_id: id('rcp'), public_id: id('rpt'), seq, source_id: submission.source_id, lane: submission.lane ?? 'publish', hash, body: submission, created_at: now };
      bySource.set(stored.source_id, stored);
      byReceipt.set(stored.receipt_id, stored);
      byPublic.set(stored.public_id, stored);
      return json(202, { receipt_id: stored.receipt_id, public_id: stored.public_id, seq, status: 'queued', lane: stored.lane, idempotency_replay: false });
    }
    const receipt = /^\/api\/v4\/receipts\/([^/]+)$/.exec(url.pathname);
    if (receipt && req.method === 'GET') {
      if (!authorize('report:submit')) return;
      const s = byReceipt.get(decodeURIComponent(receipt[1]!));
      if (!s) return fail(404, 'not_found', 'no such receipt');
      return json(200, { receipt_id: s.receipt_id, public_id: s.public_id, seq: s.seq, source_id: s.source_id, lane: s.lane, status: 'queued', created_at: s.created_at, updated_at: s.created_at });
    }
    const report = /^\/api\/v4\/reports\/([^/]+)$/.exec(url.pathname);
    if (report && req.method === 'GET') {
      if (!authorize('report:read')) return;
      const s = byPublic.get(decodeURIComponent(report[1]!));
      // The policy lets a submitter read its own quarantined report; this fake has one client, so every
      // caller with a valid token is the submitter (another client's 404 needs a test key, which it has not).
      if (!s) return fail(404, 'not_found', 'no such report');
      const b = s.body;
      return json(200, {
        public_id: s.public_id,
        seq: s.seq,
        lane: s.lane,
        status: 'queued',
        latitude: b.latitude,
        longitude: b.longitude,
        title: b.title ?? '',
        description: b.description ?? '',
        tags: b.tags ?? [],
        reported_at: b.reported_at ?? s.created_at,
        created_at: s.created_at,
        synthetic: b.synthetic === true,
        analysis: null,
      });
    }
    return fail(404, 'not_found', `no route for ${req.method} ${url.pathname}`);
  }

  function token(req: IncomingMessage, res: ServerResponse, raw: string) {
    const oauthError = (status: number, error: string, description: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      if (status === 401) res.setHeader('www-authenticate', 'Basic realm="token"');
      res.end(JSON.stringify({ error, error_description: description }));
    };
    if (req.method !== 'POST') return oauthError(400, 'invalid_request', 'POST required');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [user, pass] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent) : [];
    if (user !== clientId || pass !== clientSecret) return oauthError(401, 'invalid_client', 'client authentication failed');
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'only client_credentials');
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const unknown = scopes.filter((s) => !['report:submit', 'report:read', 'admin'].includes(s));
    if (unknown.length) return oauthError(400, 'invalid_scope', `unknown scope ${unknown.join(' ')}`);
    const accessToken = `fake.${randomBytes(16).toString('hex')}`;
    tokens.set(accessToken, scopes);
    issuedTokens.push(accessToken);
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: options.tokenLifetimeSeconds ?? 300, scope: scopes.join(' ') }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const target: Target = {
    name: 'fake',
    rest: { baseUrl },
    auth: { tokenUrl: `${baseUrl}/oauth/token`, clientId, clientSecret },
    services: ['api', 'token-issuer'],
  };
  const dir = mkdtempSync(join(tmpdir(), 'smoke-fake-'));
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify(target, null, 2));
  return {
    target,
    targetFile,
    baseUrl,
    tokenUrl: target.auth!.tokenUrl,
    clientSecret,
    issuedTokens,
    requests,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
