// Adds up every vitest JSON report under the repo: passed tests, and failed tests plus suites that
// failed without a failing test (an error in beforeAll marks its tests pending, not failed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const reports = [];
const walk = (dir, depth) => {
  if (depth > 4) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === '.reports') {
      for (const f of readdirSync(path)) if (/^vitest-.*\.json$/.test(f)) reports.push(join(path, f));
    } else walk(path, depth + 1);
  }
};
walk(root, 0);

let passed = 0;
let failed = 0;
for (const file of reports) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  // Suites that failed to run (import error, beforeAll throw) without any failed test inside them.
  for (const suite of r.testResults ?? []) {
    const anyFailedTest = (suite.assertionResults ?? []).some((a) => a.status === 'failed');
    if (suite.status === 'failed' && !anyFailedTest) failed += 1;
  }
}
console.log(`${passed} ${failed} ${reports.length}`);
