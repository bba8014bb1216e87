import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { displayPath, type LintOptions, type LintProblem } from './problem.js';

interface Subgraph {
  name: string;
  file: string;
  typeDefs: string;
}

/** Line of `Type` or `Type.field` in a subgraph's SDL (definitions and extensions), if it is there. */
function lineOf(doc: DocumentNode | undefined, type: string, field?: string): number | undefined {
  for (const def of doc?.definitions ?? []) {
    if (!('name' in def) || def.name?.value !== type) continue;
    if (!field) return def.loc?.startToken.line;
    const fields = 'fields' in def ? (def.fields as readonly { name: { value: string }; loc?: { startToken: { line: number } } }[] | undefined) : undefined;
    const hit = fields?.find((f) => f.name.value === field) ?? ('values' in def ? def.values?.find((v) => v.name.value === field) : undefined);
    if (hit) return hit.loc?.startToken.line;
  }
  return undefined;
}

function safeParse(typeDefs: string): DocumentNode | undefined {
  try {
    return parse(typeDefs);
  } catch {
    return undefined;
  }
}

/**
 * Turns one composer message into a located problem. Messages name the field as `"Type.field"` and the
 * subgraphs as `subgraph "name"`; the problem goes to the first named subgraph that defines the field
 * (GraphQL has no JSON pointer, so the pointer is `/Type/field`).
 */
function locate(message: string, subgraphs: Subgraph[], docs: Map<string, DocumentNode | undefined>, options: LintOptions): LintProblem {
  const syntax = /^subgraph "([^"]+)" \((.*):(\d+):(\d+)\): (.*)$/s.exec(message);
  if (syntax) {
    const [, , file, line, column, detail] = syntax;
    return { file: displayPath(file!, options.cwd), pointer: '', severity: 'error', rule: 'syntax', message: `line ${line}, column ${column}: ${detail}`, line: Number(line), column: Number(column) };
  }
  const field = /"([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)"/.exec(message);
  const typeName = field?.[1] ?? /[Tt]ype "([_A-Za-z][_0-9A-Za-z]*)"/.exec(message)?.[1];
  const named = [...message.matchAll(/subgraphs? "([^"]+)"/g)].map((m) => m[1]);
  const ordered = [...subgraphs].sort((a, b) => {
    const ia = named.indexOf(a.name);
    const ib = named.indexOf(b.name);
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  });
  const at =
    (typeName && ordered.find((s) => lineOf(docs.get(s.name), typeName, field?.[2]) !== undefined)) ||
    ordered.find((s) => named.includes(s.name)) ||
    ordered[0];
  const line = at && typeName ? lineOf(docs.get(at.name), typeName, field?.[2]) : undefined;
  return {
    file: at ? displayPath(at.file, options.cwd) : '',
    pointer: typeName ? `/${typeName}${field ? `/${field[2]}` : ''}` : '',
    severity: 'error',
    rule: 'graphql-composition',
    message: message.replace(/ \[subgraphs: [^\]]*\]$/, ''),
    ...(line ? { line } : {}),
  };
}

/**
 * Composes the federation subgraphs (a folder of `<name>.graphql`, or one file) with the same code as
 * `pnpm generate`; every composition error becomes a problem on the subgraph file that causes it.
 */
export async function lintGraphql(path: string, options: LintOptions = {}): Promise<LintProblem[]> {
  const abs = resolve(options.cwd ?? process.cwd(), path);
  // Imported lazily: the composer is only needed when there is GraphQL to lint.
  const { composeSupergraph, readSubgraphs, CompositionError } = await import('../compose.js');
  let subgraphs: Subgraph[];
  try {
    subgraphs = statSync(abs).isDirectory()
      ? readSubgraphs(abs)
      : [{ name: basename(abs).replace(/\.graphql$/, ''), file: abs, typeDefs: readFileSync(abs, 'utf8') }];
  } catch (error) {
    return [{ file: displayPath(abs, options.cwd), pointer: '', severity: 'error', rule: 'io', message: `cannot read the subgraphs: ${(error as Error).message}` }];
  }
  if (subgraphs.length === 0) {
    return [{ file: displayPath(abs, options.cwd), pointer: '', severity: 'error', rule: 'graphql-composition', message: 'no *.graphql subgraph files found' }];
  }
  try {
    composeSupergraph(subgraphs);
    return [];
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    const docs = new Map(subgraphs.map((s) => [s.name, safeParse(s.typeDefs)]));
    return error.problems.map((m) => locate(m, subgraphs, docs, options));
  }
}
