// Builds the committed artefacts of @cleanapp/contracts from the sources:
//   generated/openapi.json     bundled OpenAPI (external $refs pulled into components)
//   generated/asyncapi.json    bundled AsyncAPI (payload schemas inlined)
//   generated/supergraph.graphql  composed federation supergraph
//   src/generated/target.ts    the smoke target file's type, from target.schema.json
//   generated/policy-revision.json  the canonical policy's revision (policy/cleanapp.cedar)
// `--check` builds in memory and fails when a committed file differs (stale generated code).
import { readFileSync } from 'node:fs';
import { generateAll, writeOrCheck } from '../src/build.js';
import { policyPaths, policyRevisionOf } from '../src/policy.js';

const check = process.argv.includes('--check');
try {
  const revision = policyRevisionOf(readFileSync(policyPaths.policy, 'utf8'));
  const outputs = [...(await generateAll()), { path: policyPaths.revision, content: `${JSON.stringify({ revision }, null, 2)}\n` }];
  const stale = writeOrCheck(outputs, { check });
  if (check && stale.length > 0) {
    console.error(`Generated contract files are stale; run \`pnpm generate\`:\n${stale.map((f) => `  ${f}`).join('\n')}`);
    process.exit(1);
  }
  console.log(check ? `contracts: ${outputs.length} generated files are up to date` : `contracts: wrote ${stale.length} of ${outputs.length} files`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
