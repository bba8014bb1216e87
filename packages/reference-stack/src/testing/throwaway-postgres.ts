import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  return version ? join(root, version, 'bin') : undefined;
}

export interface ThrowawayPostgres {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/** Whether a PostgreSQL cluster of the test's own can be created here (server binaries, root to su). */
export function canRunThrowawayPostgres(): boolean {
  return process.getuid?.() === 0 && !!pgBin() && existsSync(join(pgBin()!, 'initdb'));
}

/** A trust-auth cluster on its own port and data dir, so a test may stop it without touching the shared one. */
export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = pgBin()!;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pg-throwaway-'));
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  chownSync(dir, Number(uid), Number(gid));
  const asPostgres = (cmd: string) => run('su', ['postgres', '-s', '/bin/sh', '-c', cmd]);
  await asPostgres(`${bin}/initdb -D ${dir}/data -A trust -U postgres >/dev/null`);
  const instance: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => void (await asPostgres(`${bin}/pg_ctl -D ${dir}/data -o "-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}" -l ${dir}/log -w start >/dev/null`)),
    stop: async () => void (await asPostgres(`${bin}/pg_ctl -D ${dir}/data -m immediate -w stop >/dev/null`).catch(() => undefined)),
    async destroy() {
      await instance.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return instance;
}
