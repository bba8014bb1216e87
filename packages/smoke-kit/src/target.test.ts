import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mask } from './mask.js';
import { loadTarget, parseTarget, TargetError } from './target.js';

const dir = mkdtempSync(join(tmpdir(), 'smoke-target-'));
let n = 0;
function file(ext: 'json' | 'yaml', text: string): string {
  const path = join(dir, `t${++n}.${ext}`);
  writeFileSync(path, text);
  return path;
}
function problemsOf(fn: () => unknown): { message: string; problems: string[] } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return { message: (err as TargetError).message, problems: (err as TargetError).problems };
  }
  throw new Error('expected a TargetError');
}

const YAML = `# the embedded stack
name: embedded
rest:
  baseUrl: http://127.0.0.1:43123/
auth:
  tokenUrl: http://127.0.0.1:43124/oauth/token
  clientId: smoke-runner
  clientSecret: \${CLEANAPP_CLIENT_SECRET}
  audience: cleanapp-api
graphql: { url: http://127.0.0.1:43125/graphql }
websocket: { publicUrl: ws://127.0.0.1:43126/live, privilegedUrl: ws://127.0.0.1:43126/private }
amqp: { url: amqp://guest:guest@127.0.0.1:5672, environment: ci }
cors: { allowedOrigin: https://app.example.test }
services: [api, token-issuer]
suites: [health, ingest]
`;

describe('loadTarget', () => {
  it('reads a valid JSON target', () => {
    const path = file('json', JSON.stringify({ name: 'ci', rest: { baseUrl: 'https://api.example.test' } }));
    expect(loadTarget(path, {})).toEqual({ name: 'ci', rest: { baseUrl: 'https://api.example.test' } });
  });

  it('reads a valid YAML target, expands ${ENV} and trims the trailing slash of rest.baseUrl', () => {
    const target = loadTarget(file('yaml', YAML), { CLEANAPP_CLIENT_SECRET: 's3cret-value' });
    expect(target.rest.baseUrl).toBe('http://127.0.0.1:43123');
    expect(target.auth).toEqual({ tokenUrl: 'http://127.0.0.1:43124/oauth/token', clientId: 'smoke-runner', clientSecret: 's3cret-value', audience: 'cleanapp-api' });
    expect(target.amqp?.environment).toBe('ci');
    expect(target.suites).toEqual(['health', 'ingest']);
    // the client secret and the broker password are registered for masking
    expect(mask('secret s3cret-value, amqp amqp://guest:guest@h')).toBe('secret ***, amqp amqp://***:***@h');
  });

  it('expands ${VAR:-default}, references inside longer strings and keeps $${ literal', () => {
    const target = parseTarget(
      { name: '${ENV_NAME:-local}-$${x}', rest: { baseUrl: 'http://${HOST}:${PORT}' } },
      { env: { HOST: '10.0.0.7', PORT: '8080' } },
    );
    expect(target.name).toBe('local-${x}');
    expect(target.rest.baseUrl).toBe('http://10.0.0.7:8080');
  });

  it('names the variable and the field when an ${ENV} reference is unset', () => {
    const path = file('yaml', YAML);
    const { message, problems } = problemsOf(() => loadTarget(path, {}));
    expect(problems).toEqual(['auth.clientSecret: environment variable CLEANAPP_CLIENT_SECRET is not set']);
    expect(message).toContain(path);
  });

  it('names a missing required field', () => {
    const path = file('json', JSON.stringify({ name: 'x', rest: {} }));
    const { message, problems } = problemsOf(() => loadTarget(path, {}));
    expect(problems).toEqual(['rest.baseUrl is required']);
    expect(message).toBe(`${path}: rest.baseUrl is required`);
  });

  it('names a field that is not a URL', () => {
    const { problems } = problemsOf(() => parseTarget({ name: 'x', rest: { baseUrl: 'localhost:8080' } }, { env: {} }));
    expect(problems).toEqual(['rest.baseUrl must be a URL (http:// or https://), got "localhost:8080"']);
    const ws = problemsOf(() => parseTarget({ name: 'x', rest: { baseUrl: 'http://a' }, websocket: { publicUrl: 'http://a/ws' } }, { env: {} }));
    expect(ws.problems).toEqual(['websocket.publicUrl must be a URL (ws:// or wss://), got "http://a/ws"']);
  });

  it('rejects unknown keys, at the top level and nested, listing the known ones', () => {
    const { problems } = problemsOf(() => parseTarget({ name: 'x', rest: { baseUrl: 'http://a', timeout: 3 }, restt: {} }, { env: {} }));
    expect(problems).toHaveLength(2);
    expect(problems).toContain('restt is not a known field (known: name, namespace, rest, auth, graphql, policy, latency, websocket, amqp, cors, budgets, environment, expectVersion, expectSha, services, suites)');
    expect(problems).toContain('rest.timeout is not a known field (known: baseUrl)');
  });

  it('lists every problem at once', () => {
    const path = file('yaml', 'rest:\n  baseUrl: 12\nauth:\n  tokenUrl: ftp://x\n  clientId: a\n  clientSecret: ${NOPE}\nservices: api\n');
    const { message, problems } = problemsOf(() => loadTarget(path, {}));
    expect(problems).toEqual(
      expect.arrayContaining([
        'name is required',
        'rest.baseUrl must be string, got number',
        'auth.tokenUrl must be a URL (http:// or https://), got "ftp://x"',
        'auth.clientSecret: environment variable NOPE is not set',
        'services must be a list of service names or a map of services, got string',
      ]),
    );
    expect(message).toMatch(/problems\n {2}- /);
  });

  it('rejects a baseUrl that already ends in /api/v4', () => {
    const { problems } = problemsOf(() => parseTarget({ name: 'x', rest: { baseUrl: 'http://a/api/v4/' } }, { env: {} }));
    expect(problems[0]).toMatch(/^rest\.baseUrl must be the origin without \/api\/v4/);
  });

  it('rejects amqp with both environment and nameMap', () => {
    const { problems } = problemsOf(() => parseTarget({ name: 'x', rest: { baseUrl: 'http://a' }, amqp: { url: 'amqp://h', environment: 'ci', nameMap: { a: 'b' } } }, { env: {} }));
    expect(problems).toEqual(['amqp: set either environment or nameMap, not both']);
  });

  it('reports missing and unparseable files with the path', () => {
    expect(problemsOf(() => loadTarget(join(dir, 'nope.yaml'))).message).toBe(`${join(dir, 'nope.yaml')}: target file not found`);
    const bad = file('json', '{"name": ');
    expect(problemsOf(() => loadTarget(bad)).message).toMatch(new RegExp(`^${bad}: not parseable as JSON: `));
    const badYaml = file('yaml', 'name: [unclosed\nrest: {');
    expect(problemsOf(() => loadTarget(badYaml)).message).toMatch(/not parseable as YAML/);
    expect(problemsOf(() => loadTarget(file('yaml', '- a\n- b\n'))).problems[0]).toMatch(/must be an object/);
  });
});
