// The benchmark's reference: api-smart-diff on BASE and REVISION (JSON files) as a process of its own,
// like the contract-diff CLI is measured. Prints its breaking/non-breaking/annotation counts.
import { readFileSync } from 'node:fs';
import { apiDiff } from 'api-smart-diff';

const [base, revision] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const diffs = apiDiff(base, revision);
const counts = {};
for (const d of diffs) counts[d.type] = (counts[d.type] ?? 0) + 1;
process.stdout.write(`${JSON.stringify(counts)}\n`);
