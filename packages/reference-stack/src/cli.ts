// `pnpm stack`: starts the reference stack, prints the target file's path, runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { DependencyNotFoundError } from './deps/resolve.js';
import { startStack } from './stack.js';

const { values } = parseArgs({
  options: {
    'api-port': { type: 'string' },
    'issuer-port': { type: 'string' },
    host: { type: 'string' },
    'target-file': { type: 'string' },
    'broker-environment': { type: 'string' },
    ephemeral: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: pnpm stack [--api-port N] [--issuer-port N] [--host H] [--target-file F] [--broker-environment ENV] [--ephemeral]
Starts the CleanApp reference stack (API + token issuer) and writes a target file for \`pnpm smoke --target\`.
Broker: AMQP_URL, else 127.0.0.1:5672, else testcontainers. Database: DATABASE_URL (postgres:// or pglite:DIR),
else 127.0.0.1:5432, else testcontainers, else embedded PGlite.`);
  process.exit(0);
}

try {
  const stack = await startStack({
    ephemeral: values.ephemeral,
    runtimeMode: 'standalone',
    log: (line) => console.error(line),
    ...(values['api-port'] ? { apiPort: Number(values['api-port']) } : {}),
    ...(values['issuer-port'] ? { issuerPort: Number(values['issuer-port']) } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values['target-file'] ? { targetFile: values['target-file'] } : {}),
    ...(values['broker-environment'] ? { brokerEnvironment: values['broker-environment'] } : {}),
  });
  console.log(stack.targetFile);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof DependencyNotFoundError ? error.message : `Could not start the stack: ${(error as Error).stack}`);
  process.exit(2);
}
