import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseTarget, serviceNames, targetServices } from '@cleanapp/smoke-kit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkComposeFile, composeSchemaPath, findComposeFiles, isAbsoluteHostPath } from '../src/compose.js';
import { fixtures, root, tempDir } from './helpers.js';

type Obj = Record<string, any>;
const compose = parse(readFileSync(join(root, 'compose/compose.yaml'), 'utf8'), { merge: true }) as Obj;
const services = compose.services as Record<string, Obj>;
const APP = ['token-issuer', 'api', 'analyzer', 'renderer', 'graphql', 'ws-hub', 'policy'];

describe('compose files validate', () => {
  const files = findComposeFiles(join(root, 'compose'));

  it('finds compose.yaml and deps.yaml (and not the smoke target file)', () => {
    expect(files.map((f) => f.slice(root.length + 1))).toEqual(['compose/compose.yaml', 'compose/deps.yaml']);
  });

  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s passes the compose-spec schema and the policy', (_name, file) => {
    expect(checkComposeFile(file, root)).toEqual([]);
  });

  it('dclint 3.1.0 with its default rules finds no errors in them (only ordering warnings), and errors on the broken fixture', () => {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('dclint/package.json'));
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin: string | Record<string, string> };
    expect(pkg.version).toBe('3.1.0');
    const bin = join(pkgDir, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.dclint!);
    const ok = spawnSync(process.execPath, [bin, ...files], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\(0 errors,/);
    const bad = spawnSync(process.execPath, [bin, join(fixtures, 'broken-compose/compose.yaml')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/invalid-schema/);
  });

  it("uses dclint's bundled compose-spec schema, read by path", () => {
    expect(composeSchemaPath()).toMatch(/dclint[/\\]schemas[/\\]compose\.schema\.json$/);
    expect(JSON.parse(readFileSync(composeSchemaPath(), 'utf8')).title).toBe('Compose Specification');
  });
});

describe('broken compose files fail with file + JSON pointer', () => {
  it('schema violations', () => {
    const problems = checkComposeFile(join(fixtures, 'broken-compose/compose.yaml'), fixtures);
    const found = problems.map((p) => `${p.file} ${p.pointer} ${p.check}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'broken-compose/compose.yaml /services/api/unknownkey compose-schema',
        'broken-compose/compose.yaml /services/api/ports compose-schema',
        'broken-compose/compose.yaml /services/api/depends_on/db/condition compose-schema',
      ]),
    );
    expect(problems.find((p) => p.pointer === '/services/api/unknownkey')?.line).toBe(10);
  });

  it('policy: unknown depends_on target, healthy-wait on a service without health check, missing healthcheck/restart, absolute host paths', () => {
    const problems = checkComposeFile(join(fixtures, 'policy-compose/compose.yaml'), fixtures).filter((p) => p.check === 'compose-policy');
    const found = problems.map((p) => `${p.pointer} ${p.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/services\/web\/depends_on\/cache depends_on "cache", which is not a service/),
        expect.stringMatching(/^\/services\/web\/depends_on\/worker waits for "worker" to be healthy/),
        expect.stringMatching(/^\/services\/worker service "worker" has no healthcheck/),
        expect.stringMatching(/^\/services\/worker service "worker" has no restart policy/),
        expect.stringMatching(/^\/services\/web\/volumes\/0 absolute host path "\/srv\/data"/),
        expect.stringMatching(/^\/services\/worker\/build\/context absolute build context/),
      ]),
    );
    // The relative bind mount and the named volume are fine.
    expect(found.some((f) => f.startsWith('/services/web/volumes/1') || f.startsWith('/services/web/volumes/2'))).toBe(false);
    expect(problems.every((p) => p.file === 'policy-compose/compose.yaml')).toBe(true);
  });

  it('absolute host path detection', () => {
    for (const p of ['/srv', '~/x', 'C:\\data', 'D:/data', '\\\\server\\share']) expect(isAbsoluteHostPath(p), p).toBe(true);
    for (const p of ['./x', '../x', 'x', 'named-volume']) expect(isAbsoluteHostPath(p), p).toBe(false);
  });

  it('the lint CLI prints file + pointer and exits 1 on a broken compose file, 0 on a clean one', () => {
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const cli = join(import.meta.dirname, '../src/cli.ts');
    const dir = tempDir();
    mkdirSync(join(dir, 'compose'));
    cpSync(join(fixtures, 'broken-compose/compose.yaml'), join(dir, 'compose/compose.yaml'));
    const bad = spawnSync(process.execPath, [tsx, cli, '--root', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^compose\/compose\.yaml:11 \/services\/api\/ports must be array \[compose-schema\]$/m);

    cpSync(join(root, 'compose/deps.yaml'), join(dir, 'compose/compose.yaml'));
    const good = spawnSync(process.execPath, [tsx, cli, '--root', dir], { encoding: 'utf8' });
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
  });
});

describe('compose.yaml: the reference stack as containers', () => {
  it('has rabbitmq, postgres, every service and a smoke-runner in profile smoke', () => {
    expect(Object.keys(services).sort()).toEqual([...APP, 'postgres', 'rabbitmq', 'smoke-runner'].sort());
    expect(services.rabbitmq!.image).toBe('rabbitmq:3.13-management');
    expect(services.postgres!.image).toMatch(/^postgres:16/);
    expect(services['smoke-runner']!.profiles).toEqual(['smoke']);
  });

  it.each(APP)('%s: built from the root Dockerfile, started as one node process running the stack CLI, restart unless-stopped', (name) => {
    const svc = services[name]!;
    expect(svc.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(svc.command).toEqual(['node', '--import', 'tsx', 'packages/reference-stack/src/cli.ts', name]);
    expect(svc.restart).toBe('unless-stopped');
  });

  // The platform standard: every service answers GET /healthz (503 while a dependency is down).
  const HEALTH: Record<string, string> = {
    'token-issuer': 'http://127.0.0.1:8081/healthz',
    api: 'http://127.0.0.1:8080/healthz',
    analyzer: 'http://127.0.0.1:8090/healthz',
    renderer: 'http://127.0.0.1:8090/healthz',
    graphql: 'http://127.0.0.1:4000/healthz',
    'ws-hub': 'http://127.0.0.1:8082/healthz',
    policy: 'http://127.0.0.1:8181/healthz',
  };
  it.each(Object.entries(HEALTH))('%s: health check is node fetch(%s) (no curl in slim images)', (name, url) => {
    const test = services[name]!.healthcheck.test as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`fetch('${url}')`);
    expect(test[3]).toContain('process.exit(r.ok ? 0 : 1)');
  });

  it('every depends_on waits for service_healthy', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, spec] of Object.entries((svc.depends_on ?? {}) as Record<string, Obj>)) expect(spec.condition, `${name} -> ${dep}`).toBe('service_healthy');
    }
  });

  it('ws-hub listens on 8082 and trusts the same token issuer as the api', () => {
    const ws = services['ws-hub']!.environment;
    expect(ws.PORT).toBe('8082');
    expect(ws.TOKEN_ISSUER).toBe(services.api!.environment.TOKEN_ISSUER);
    expect(services.api!.environment.TOKEN_ISSUER).toBe(services['token-issuer']!.environment.ISSUER_URL);
  });

  it('the Dockerfile is node:20-bookworm-slim with pnpm 10.34.9 through corepack and a frozen install', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/corepack enable pnpm/);
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile/);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager).toMatch(/^pnpm@10\.34\.9\+sha512\./);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
  });
});

describe('smoke targets', () => {
  it('target.compose.yaml is a valid smoke target whose URLs name compose services on their ports', () => {
    const runner = services['smoke-runner']!;
    expect(runner.command).toEqual(['pnpm', 'smoke', '--target', '/work/compose/target.compose.yaml', '--report-dir', '/work/.reports/smoke']);
    const raw = parse(readFileSync(join(root, 'compose/target.compose.yaml'), 'utf8'));
    // Secrets are ${ENV} references, never literals.
    expect(raw.auth.clientSecret).toBe('${CLEANAPP_SMOKE_CLIENT_SECRET}');
    expect(Object.keys(runner.environment)).toContain('CLEANAPP_SMOKE_CLIENT_SECRET');
    const target = parseTarget(raw, { env: { CLEANAPP_SMOKE_CLIENT_SECRET: 's3cret' }, source: 'compose/target.compose.yaml' });
    const swept = targetServices(target);
    const urls = [target.rest.baseUrl, target.auth!.tokenUrl, target.graphql!.url, target.websocket!.publicUrl!, target.websocket!.privilegedUrl!, target.amqp!.url, ...swept.map((s) => s.baseUrl)];
    for (const u of urls) {
      const { hostname, port } = new URL(u);
      expect(Object.keys(services), u).toContain(hostname);
      const env = services[hostname]!.environment ?? {};
      if (env.PORT ?? env.HEALTH_PORT) expect(port, u).toBe(env.PORT ?? env.HEALTH_PORT);
    }
    expect([...(serviceNames(target) ?? [])].sort()).toEqual([...APP].sort());
    // The health sweep reaches each service on its own host, where compose's health check asks.
    for (const s of swept) expect(new URL(s.baseUrl).hostname, s.name).toBe(s.name);
  });

  it('the canary target parses with the environment both canary.yml jobs export, and names the gateway and the WebSocket hub', () => {
    const canary = parse(readFileSync(join(root, '.github/workflows/canary.yml'), 'utf8'));
    const raw = parse(readFileSync(join(root, '.github/canary/target.yaml'), 'utf8'));
    const referenced = [...JSON.stringify(raw).matchAll(/\$\{([A-Z0-9_]+)(?::-[^}]*)?\}/g)].filter((m) => !m[0].includes(':-')).map((m) => m[1]!);
    // The perf shards run the same target file (plus their load), so they need the same variables.
    for (const job of ['canary', 'perf']) {
      const exported = Object.keys(canary.jobs[job].env);
      for (const name of referenced) expect(exported, `${job} exports ${name}`).toContain(name);
      // Optional (${VAR:-}), but a secret nobody exports would leave the forged-token checks skipped for good.
      expect(exported, `${job} exports CLEANAPP_TEST_SIGNING_KEY`).toContain('CLEANAPP_TEST_SIGNING_KEY');
    }
    const fake = (name: string) => (name.startsWith('CLEANAPP_WS_') ? 'wss://ws.staging.example.test/live' : name.endsWith('URL') ? 'https://staging.example.test' : 'x');
    const target = parseTarget(raw, { env: Object.fromEntries(referenced.map((n) => [n, fake(n)])), source: '.github/canary/target.yaml' });
    expect(target.name).toBe('x');
    expect(raw.auth.testSigningKey).toBe('${CLEANAPP_TEST_SIGNING_KEY:-}');
    expect(target.auth).not.toHaveProperty('testSigningKey');
    // Without these the nightly canary would skip GraphQL and WebSocket checks, visibly but every night.
    expect(target.graphql?.url).toBe('https://staging.example.test');
    expect(target.websocket).toEqual({ publicUrl: 'wss://ws.staging.example.test/live', privilegedUrl: 'wss://ws.staging.example.test/live' });
  });
});
