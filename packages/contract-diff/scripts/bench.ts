// Benchmark (not a test): contract-diff vs api-smart-diff on consecutive Twilio api_v2010 specs
// (~1.9 MB each, from the research corpus that test/corpus-root.ts locates). The aim: a multi-MB
// OpenAPI pair well under a second, and faster than api-smart-diff in the same run.
// Usage: pnpm --filter @cleanapp/contract-diff bench
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiDiff } from 'api-smart-diff';
import { diff } from '../src/index.js';
import { corpusRoot } from '../test/corpus-root.js';

const dir = fileURLToPath(new URL('twilio/', corpusRoot()));
if (!existsSync(dir)) {
  console.error(`no corpus at ${dir}`);
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const RUNS = 5;
for (let i = 0; i + 1 < files.length; i++) {
  const a = JSON.parse(readFileSync(dir + files[i], 'utf8'));
  const b = JSON.parse(readFileSync(dir + files[i + 1], 'utf8'));
  const ours: number[] = [];
  const theirs: number[] = [];
  let summary = '';
  for (let k = 0; k < RUNS; k++) {
    let t = performance.now();
    const r = await diff(a, b);
    ours.push(performance.now() - t);
    summary = JSON.stringify(r.summary);
    t = performance.now();
    apiDiff(structuredClone(a), structuredClone(b)); // it annotates its inputs: give it fresh copies
    theirs.push(performance.now() - t);
  }
  console.log(`${files[i]} → ${files[i + 1]}: contract-diff ${median(ours).toFixed(0)} ms (first ${ours[0]!.toFixed(0)} ms), api-smart-diff ${median(theirs).toFixed(0)} ms; ${summary}`);
}
