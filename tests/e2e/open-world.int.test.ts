import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fetchClientCredentialsToken } from '@cleanapp/api-client';
import type { StackTarget } from '@cleanapp/reference-stack';
import { renderedWatchers } from '@cleanapp/reference-stack/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './run.js';

// The open world: stacks started as a user types `pnpm stack`, side by side on the machine's one RabbitMQ
// and PostgreSQL, must never see each other's messages, and must leave no process behind when the pnpm
// they were started by gets a signal (pnpm does not forward signals to its script).

interface Launched {
  child: ChildProcess;
  /** The process group of everything `pnpm stack` started (spawned detached: its own group). */
  pgid: number;
  /** In the environment of every process of this launch, so a process that left the group is found too. */
  mark: string;
  targetFile: string;
  target: StackTarget;
  stderr: () => string;
}

const launched: Launched[] = [];
const watchers = renderedWatchers();

async function launch(): Promise<Launched> {
  const mark = `cleanapp-open-world-${randomUUID()}`;
  const child = spawn('pnpm', ['stack'], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', CLEANAPP_TEST_MARK: mark } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const partial = { child, pgid: child.pid!, mark, stderr: () => stderr };
  launched.push(partial as Launched);
  // The stack prints the path of its target file on stdout once everything listens.
  const targetFile = await vi.waitFor(
    () => {
      const path = /^(\/\S+\.json)$/m.exec(stdout)?.[1];
      if (!path) throw new Error(`waiting for \`pnpm stack\` to print its target file (exit ${child.exitCode}); stderr:\n${stderr.slice(-3000)}`);
      return path;
    },
    { timeout: 90_000, interval: 100 },
  );
  return Object.assign(partial, { targetFile, target: JSON.parse(readFileSync(targetFile, 'utf8')) as StackTarget });
}

/** Live processes in the launch's process group or carrying its mark, as `pid cmdline`. */
function survivors(l: Pick<Launched, 'pgid' | 'mark'>): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // exited, only waiting to be reaped
      const marked = Number(pgrp) === l.pgid || readFileSync(`/proc/${entry}/environ`, 'utf8').includes(l.mark);
      if (marked) found.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Sends `signal` to the pnpm process only (not its group) and expects the whole stack gone within seconds. */
async function expectStopsOn(l: Launched, signal: NodeJS.Signals): Promise<void> {
  expect(survivors(l).length, 'the stack runs several processes').toBeGreaterThan(1);
  process.kill(l.child.pid!, signal);
  await vi.waitFor(() => expect(survivors(l)).toEqual([]), { timeout: 10_000, interval: 100 });
  expect(l.stderr()).toMatch(/\[stack\] (SIG\w+|launcher gone.*): stopping/);
  // A throwaway namespace's target file (and broker names, schema) went with it: the stop ran, not just a kill.
  expect(existsSync(l.targetFile), l.targetFile).toBe(false);
}

async function token(target: StackTarget): Promise<string> {
  return (await fetchClientCredentialsToken(target.auth, ['report:submit', 'report:read'])).accessToken;
}


async function submitReports(target: StackTarget, n: number): Promise<string[]> {
  const bearer = await token(target);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${target.rest.baseUrl}/api/v4/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source_id: `open-world-${randomUUID()}`, latitude: 48.2, longitude: 16.37, title: 'Bottles by the bench', synthetic: true, lane: 'publish' }),
    });
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { public_id: string }).public_id);
  }
  return ids;
}

const signalGroup = (l: Launched, signal: NodeJS.Signals) => {
  try {
    process.kill(-l.pgid, signal);
  } catch {
    // already gone
  }
};

afterAll(async () => {
  watchers.close();
  // Whatever a failed test left running: SIGTERM to the whole group (the stack removes its namespace), then SIGKILL.
  const left = launched.filter((l) => survivors(l).length > 0);
  for (const l of left) signalGroup(l, 'SIGTERM');
  await vi.waitFor(() => expect(left.flatMap(survivors)).toEqual([]), { timeout: 10_000, interval: 100 }).catch(() => undefined);
  for (const l of left) signalGroup(l, 'SIGKILL');
}, 20_000);

describe('two `pnpm stack` at once on the shared RabbitMQ and PostgreSQL', () => {
  let a: Launched;
  let b: Launched;
  beforeAll(async () => {
    [a, b] = await Promise.all([launch(), launch()]);
  }, 180_000);

  it('each gets its own namespace: printed at start, in its target file, in every broker name', () => {
    for (const l of [a, b]) {
      const ns = l.target.namespace!;
      expect(ns).toMatch(/^stack_[0-9a-f]{8}$/);
      expect(l.stderr()).toContain(`[stack] namespace ${ns}`);
      expect(l.targetFile).toBe(`${repoRoot}.stack/target-${ns}.json`);
      for (const actual of Object.values(l.target.amqp.nameMap)) expect(actual.startsWith(`${ns}.`), actual).toBe(true);
    }
    expect(a.target.namespace).not.toBe(b.target.namespace);
  });

  it("every report of each reaches all of its own WebSocket subscribers, and none reaches the other's", async () => {
    const clients = async (l: Launched) => {
      const bearer = `bearer.${await token(l.target)}`;
      return Promise.all([watchers.watch(l.target.websocket.publicUrl), watchers.watch(l.target.websocket.privilegedUrl, [bearer]), watchers.watch(l.target.websocket.privilegedUrl, [bearer])]);
    };
    const seen = { a: await clients(a), b: await clients(b) };
    const [sentA, sentB] = await Promise.all([submitReports(a.target, 3), submitReports(b.target, 3)]);
    await vi.waitFor(
      () => {
        for (const got of seen.a) expect(new Set(got)).toEqual(new Set(sentA));
        for (const got of seen.b) expect(new Set(got)).toEqual(new Set(sentB));
      },
      { timeout: 30_000, interval: 100 },
    );
    // Exactly once each, nothing foreign (the other stack's reports were rendered meanwhile too).
    for (const got of seen.a) expect(got.toSorted()).toEqual(sentA.toSorted());
    for (const got of seen.b) expect(got.toSorted()).toEqual(sentB.toSorted());
    // Separate database schemas: a report of one stack does not exist in the other.
    const other = await fetch(`${b.target.rest.baseUrl}/api/v4/reports/${sentA[0]}`, { headers: { authorization: `Bearer ${await token(b.target)}` } });
    expect(other.status).toBe(404);
  });

  it('SIGTERM to the pnpm process stops every process of that stack; the other keeps running', async () => {
    await expectStopsOn(a, 'SIGTERM');
    expect(survivors(b).length).toBeGreaterThan(1);
    expect((await fetch(`${b.target.rest.baseUrl}/api/v4/health`)).status).toBe(200);
  });

  it('SIGHUP to the pnpm process stops every process of the stack', async () => {
    await expectStopsOn(b, 'SIGHUP');
  });
});

it('SIGINT to the pnpm process stops every process of the stack', async () => {
  await expectStopsOn(await launch(), 'SIGINT');
}, 150_000);
