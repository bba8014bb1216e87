// Starts the fake target and prints its target file: `pnpm exec tsx src/testing/serve-fake.ts [fault,...]`.
import { startFakeTarget, type Fault } from './fake-target.js';

const faults = (process.argv[2] ?? '').split(',').filter(Boolean) as Fault[];
const fake = await startFakeTarget({ faults });
process.stdout.write(`${fake.targetFile}\n`);
process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
process.on('SIGINT', () => void fake.stop().then(() => process.exit(0)));
