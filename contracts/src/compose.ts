import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

export interface Subgraph {
  name: string;
  file: string;
  typeDefs: string;
}

/** Reads every `<name>.graphql` in a folder as one subgraph named after the file. */
export function readSubgraphs(dir: string): Subgraph[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ''), file: join(dir, f), typeDefs: readFileSync(join(dir, f), 'utf8') }));
}

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`GraphQL composition failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Composes the subgraphs into a supergraph. Errors name the subgraph (syntax errors carry file:line:col)
 * and, as reported by the composer, the type and field involved.
 */
export function composeSupergraph(subgraphs: Subgraph[]): string {
  const parsed = subgraphs.map((s) => {
    try {
      return { name: s.name, typeDefs: parse(s.typeDefs), url: `http://${s.name}.subgraph.invalid/graphql` };
    } catch (error) {
      const e = error as { message: string; locations?: { line: number; column: number }[] };
      const loc = e.locations?.[0];
      throw new CompositionError([`subgraph "${s.name}" (${s.file}${loc ? `:${loc.line}:${loc.column}` : ''}): ${e.message}`]);
    }
  });
  const result = composeServices(parsed);
  if (result.errors && result.errors.length > 0) {
    throw new CompositionError(
      result.errors.map((e) => {
        const code = (e.extensions as { code?: string } | undefined)?.code;
        // The composer's messages name type and field ("Report.seq"); most name the subgraphs too.
        const named = subgraphs.filter((s) => e.message.includes(`"${s.name}"`)).map((s) => s.name);
        const where = named.length > 0 ? '' : ` [subgraphs: ${subgraphs.map((s) => s.name).join(', ')}]`;
        return `${code ? `${code}: ` : ''}${e.message}${where}`;
      }),
    );
  }
  if (!result.supergraphSdl) throw new CompositionError(['the composer returned no supergraph']);
  return result.supergraphSdl;
}
