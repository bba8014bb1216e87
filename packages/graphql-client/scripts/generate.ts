// Generates, from the committed supergraph in @cleanapp/contracts:
//   src/generated/schema.graphql  the client-facing API schema (supergraph without join__/link__ machinery)
//   src/generated/*.ts            graphql-codegen client preset: typed documents for src/operations/*.graphql, pre-printed
//                                 (documentMode 'string'), so sending them needs no graphql-js at run time
// `--check` compares in memory with the committed files instead of writing them; exit 1 names the stale file.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contractPaths } from '@cleanapp/contracts';
import { generate } from '@graphql-codegen/cli';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src/generated');
const check = process.argv.includes('--check');

const supergraph = readFileSync(contractPaths.supergraph, 'utf8');
const apiSchema = buildASTSchema(transformSupergraphToPublicSchema(parse(supergraph)));
const apiSdl =
  '# Generated from @cleanapp/contracts generated/supergraph.graphql (the API schema clients see). Do not edit; run `pnpm generate`.\n' +
  `${printSchema(lexicographicSortSchema(apiSchema))}\n`;

const outputs = await generate(
  {
    cwd: root,
    schema: apiSdl,
    documents: ['src/operations/*.graphql'],
    emitLegacyCommonJSImports: false, // './graphql.js' imports (NodeNext)
    silent: true,
    generates: {
      'src/generated/': {
        preset: 'client',
        presetConfig: { gqlTagName: 'graphql', fragmentMasking: false },
        config: { documentMode: 'string', useTypeImports: true, enumsAsTypes: true, skipTypename: false, dedupeFragments: true },
      },
    },
  },
  false,
);

const expected = new Map<string, string>([[join(outDir, 'schema.graphql'), apiSdl]]);
// The preset types TypedDocumentString's metadata as Record<string, any>; the published types carry no `any`.
for (const o of outputs) expected.set(join(root, o.filename), o.content.replaceAll('Record<string, any>', 'Record<string, unknown>'));
const committed = existsSync(outDir) ? readdirSync(outDir).map((f) => join(outDir, f)) : [];

if (check) {
  const stale = [...expected].filter(([file, content]) => !existsSync(file) || readFileSync(file, 'utf8') !== content).map(([file]) => file);
  const extra = committed.filter((f) => !expected.has(f));
  for (const file of stale) console.error(`graphql-client: ${file} is stale; run \`pnpm generate\``);
  for (const file of extra) console.error(`graphql-client: ${file} is not generated any more (stale); run \`pnpm generate\``);
  if (stale.length + extra.length > 0) process.exit(1);
  console.log('graphql-client: generated documents are up to date');
} else {
  let written = 0;
  for (const [file, content] of expected) {
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    writeFileSync(file, content);
    written++;
    console.log(`graphql-client: wrote ${relative(root, file)}`);
  }
  for (const file of committed.filter((f) => !expected.has(f))) {
    rmSync(file);
    console.log(`graphql-client: removed ${relative(root, file)}`);
  }
  if (written === 0) console.log('graphql-client: generated documents are up to date');
}
