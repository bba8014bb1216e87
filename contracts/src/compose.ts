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

/** One reason the subgraphs do not compose, with the subgraphs and schema coordinates it concerns. */
export interface CompositionProblem {
  /** The composer's error code (e.g. FIELD_TYPE_MISMATCH), or SYNTAX for unparseable SDL. */
  code: string;
  /** Subgraphs named by the problem; all of them when the composer names none. */
  subgraphs: string[];
  /** Type and field coordinates named by the problem (`Report.publicId`, `Report`). */
  coordinates: string[];
  /** One line: code, message and, when the message names no subgraph, the subgraphs involved. */
  message: string;
}

export class CompositionError extends Error {
  readonly problems: string[];
  constructor(readonly details: CompositionProblem[]) {
    super(`GraphQL composition failed:\n${details.map((p) => `  - ${p.message}`).join('\n')}`);
    this.problems = details.map((p) => p.message);
  }
}

// Coordinates as the composer quotes them: "Type.field", "Type.field(arg:)", "Type".
const COORDINATE = /"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\([A-Za-z0-9_]+:\))?)?)"/g;

/** Composes the subgraphs, returning the supergraph SDL or every problem that prevents it. */
export function tryComposeSupergraph(subgraphs: Subgraph[]): { supergraphSdl: string } | { problems: CompositionProblem[] } {
  const parsed = [];
  for (const s of subgraphs) {
    try {
      parsed.push({ name: s.name, typeDefs: parse(s.typeDefs), url: `http://${s.name}.subgraph.invalid/graphql` });
    } catch (error) {
      const e = error as { message: string; locations?: { line: number; column: number }[] };
      const loc = e.locations?.[0];
      const message = `subgraph "${s.name}" (${s.file}${loc ? `:${loc.line}:${loc.column}` : ''}): ${e.message}`;
      return { problems: [{ code: 'SYNTAX', subgraphs: [s.name], coordinates: [], message }] };
    }
  }
  const result = composeServices(parsed);
  if (result.errors && result.errors.length > 0) {
    const names = new Set(subgraphs.map((s) => s.name));
    return {
      problems: result.errors.map((e) => {
        const code = (e.extensions as { code?: string } | undefined)?.code ?? 'COMPOSITION';
        // The composer's messages name type and field ("Report.seq"); most name the subgraphs too.
        const named = subgraphs.filter((s) => e.message.includes(`"${s.name}"`)).map((s) => s.name);
        const coordinates = [...new Set([...e.message.matchAll(COORDINATE)].map((m) => m[1]!).filter((c) => !names.has(c)))];
        const where = named.length > 0 ? '' : ` [subgraphs: ${subgraphs.map((s) => s.name).join(', ')}]`;
        return { code, subgraphs: named.length > 0 ? named : subgraphs.map((s) => s.name), coordinates, message: `${code}: ${e.message}${where}` };
      }),
    };
  }
  if (!result.supergraphSdl) return { problems: [{ code: 'COMPOSITION', subgraphs: subgraphs.map((s) => s.name), coordinates: [], message: 'the composer returned no supergraph' }] };
  return { supergraphSdl: result.supergraphSdl };
}

/**
 * Composes the subgraphs into a supergraph. Errors name the subgraph (syntax errors carry file:line:col)
 * and, as reported by the composer, the type and field involved.
 */
export function composeSupergraph(subgraphs: Subgraph[]): string {
  const result = tryComposeSupergraph(subgraphs);
  if ('problems' in result) throw new CompositionError(result.problems);
  return result.supergraphSdl;
}
