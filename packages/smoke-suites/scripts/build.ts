// `pnpm --filter @cleanapp/smoke-suites build`: suites/* compiled into dist/ (see src/suites.ts).
import { buildSuites, distDir } from '../src/suites.js';

const files = await buildSuites();
console.log(`smoke-suites: ${files.length} files in ${distDir}`);
