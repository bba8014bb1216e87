import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { freePort } from './ports.js';

const run = promisify(execFile);


export interface ThrowawayRabbit {
  url: string;
  node: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the node and removes its data. */
  destroy(): Promise<void>;
}

/** Whether this machine can run a RabbitMQ node of our own (Debian rabbitmq-server, as root). */
export async function canRunThrowawayRabbit(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return run('sh', ['-c', 'command -v rabbitmq-server && command -v rabbitmqctl']).then(
    () => true,
    () => false,
  );
}

/**
 * A RabbitMQ node of the test's own (own name, ports and data dirs), so a test may stop and restart it
 * without touching the shared broker on 5672. Never run `epmd -kill` here: epmd is shared.
 */
export async function createThrowawayRabbit(): Promise<ThrowawayRabbit> {
  const port = await freePort();
  const distPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rmq-throwaway-'));
  const node = `rmqtest${port}@localhost`;
  const { stdout: uid } = await run('id', ['-u', 'rabbitmq']);
  const { stdout: gid } = await run('id', ['-g', 'rabbitmq']);
  chownSync(dir, Number(uid), Number(gid));
  // The machine's /etc/rabbitmq/rabbitmq.conf pins the listener to 5672, which wins over
  // RABBITMQ_NODE_PORT; a config file of our own names our port instead.
  const config = join(dir, 'rabbitmq.conf');
  writeFileSync(config, `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users.guest = true\n`);
  chownSync(config, Number(uid), Number(gid));
  const env = {
    RABBITMQ_CONFIG_FILE: config,
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
  };
  const status = () => run('rabbitmqctl', ['-n', node, '-q', 'status'], { env }).then(() => true, () => false);
  const instance: ThrowawayRabbit = {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    node,
    async start() {
      await run('rabbitmq-server', ['-detached'], { env });
      await vi.waitFor(async () => {
        if (!(await status())) throw new Error(`waiting for throwaway RabbitMQ ${node} to start within 60 s (logs in ${dir}/log)`);
      }, { timeout: 60_000, interval: 300 });
      await run('rabbitmqctl', ['-n', node, '-q', 'await_startup'], { env });
    },
    async stop() {
      await run('rabbitmqctl', ['-n', node, '-q', 'stop'], { env }).catch(() => undefined);
    },
    async destroy() {
      await instance.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return instance;
}
