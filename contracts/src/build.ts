import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { bundle, createConfig } from '@redocly/openapi-core';
import { composeSupergraph, readSubgraphs } from './compose.js';
import { contractPaths } from './paths.js';

export interface Output {
  path: string;
  content: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function bundleWithRedocly(file: string, dereference = false): Promise<unknown> {
  const config = await createConfig({});
  const result = await bundle({ ref: file, config, removeUnusedComponents: false, dereference });
  // Unresolvable $refs are reported as problems; refusing to write keeps a broken contract out of the clients.
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    const lines = errors.map((p) => {
      const loc = p.location[0];
      return `${loc ? `${relative(process.cwd(), loc.source.absoluteRef)}#${loc.pointer}` : file}: ${p.message}`;
    });
    throw new Error(`Cannot bundle ${file}:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  return result.bundle.parsed;
}

/** Everything `pnpm generate` writes for this package, computed in memory. */
export async function generateAll(): Promise<Output[]> {
  const openapi = await bundleWithRedocly(contractPaths.openapiSource);
  const asyncapi = await bundleWithRedocly(contractPaths.asyncapiSource);
  // Fully dereferenced variants for tools that cannot follow $ref (many mock servers, form generators).
  const openapiDeref = await bundleWithRedocly(contractPaths.openapiSource, true);
  const asyncapiDeref = await bundleWithRedocly(contractPaths.asyncapiSource, true);
  const supergraph = composeSupergraph(readSubgraphs(contractPaths.subgraphs));
  return [
    { path: contractPaths.openapi, content: json(openapi) },
    { path: contractPaths.asyncapi, content: json(asyncapi) },
    { path: contractPaths.supergraph, content: `${supergraph.trim()}\n` },
    { path: contractPaths.openapiDereferenced, content: json(openapiDeref) },
    { path: contractPaths.asyncapiDereferenced, content: json(asyncapiDeref) },
  ];
}

/** Writes the outputs, or with `check` returns the paths whose committed content differs. */
export function writeOrCheck(outputs: Output[], { check }: { check: boolean }): string[] {
  const stale: string[] = [];
  for (const { path, content } of outputs) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(path);
    if (!check) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return stale;
}
