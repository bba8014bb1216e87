// pnpm contract-check [--baseline=npm:<version>|git:<ref>] [--format=text|markdown|github|json]
import { fileURLToPath } from 'node:url';
import { main } from '../src/contract-check.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
main(process.argv.slice(2), repoRoot).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`contract-check: ${(error as Error).message}`);
    process.exit(2);
  },
);
