// Reads BASE/REVISION inputs (file, URL, git:<ref>:<path>), detects the contract kind and preloads
// every document reachable through external `$ref`s, from the same source (a git ref's refs are read
// from that ref, not from the working tree).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from './errors.js';
import { parseText } from './parse.js';
import { DocumentSet, externalRefs, isObject, type Json } from './refs.js';
import type { ContractKind } from './types.js';

export interface LoadedContract {
  kind: ContractKind;
  /** Parsed document (object), or SDL text for GraphQL. */
  document: unknown;
  /** Absolute URL of the document (file:, http:, or file: inside the git work tree for git: inputs). */
  url: string;
  /** The document and every externally referenced one. */
  docs: DocumentSet;
  /** What the user typed, for messages. */
  name: string;
}

type Fetcher = (url: string) => Promise<string>;
/** Entries of a directory (or git tree) at a URL, or undefined when it is not a directory. */
type Lister = (url: string) => Promise<string[] | undefined>;

/** Picks how to read a spec and where relative refs point. */
export function locate(spec: string, cwd = process.cwd()): { url: string; fetch: Fetcher; list: Lister } {
  const fetchAny: Fetcher = async (url) => {
    if (/^https?:/.test(url)) {
      let res: Response;
      try {
        res = await fetch(url);
      } catch (e) {
        throw new InputError(`${url}: ${(e as Error).message}`);
      }
      if (!res.ok) throw new InputError(`${url}: HTTP ${res.status}`);
      return res.text();
    }
    try {
      return await readFile(fileURLToPath(url), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`${fileURLToPath(url)}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
    }
  };
  const git = /^git:([^:]+):(.+)$/.exec(spec);
  if (git) {
    const [, ref, path] = git as unknown as [string, string, string];
    let top: string;
    try {
      top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      throw new InputError(`${spec}: not inside a git repository`);
    }
    const fetchGit: Fetcher = async (url) => {
      if (!url.startsWith('file:')) return fetchAny(url); // absolute http refs are not in the repository
      const rel = relative(top, fileURLToPath(url)).split('\\').join('/');
      try {
        return execFileSync('git', ['show', `${ref}:${rel}`], { cwd: top, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const msg = stderrLines(e)[0];
        throw new InputError(`git:${ref}:${rel}: ${msg}`);
      }
    };
    const listGit: Lister = async (url) => {
      const rel = relative(top, fileURLToPath(url)).split('\\').join('/');
      try {
        const type = execFileSync('git', ['cat-file', '-t', `${ref}:${rel}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
        if (type !== 'tree') return undefined;
        return execFileSync('git', ['ls-tree', '--name-only', `${ref}:${rel}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean);
      } catch {
        return undefined; // missing: the fetch that follows reports it with the file name
      }
    };
    return { url: pathToFileURL(resolve(cwd, path)).href, fetch: fetchGit, list: listGit };
  }
  const listFs: Lister = async (url) => {
    if (!url.startsWith('file:')) return undefined;
    try {
      const st = await stat(fileURLToPath(url));
      return st.isDirectory() ? (await readdir(fileURLToPath(url))).sort() : undefined;
    } catch {
      return undefined;
    }
  };
  if (/^https?:\/\//.test(spec)) return { url: spec, fetch: fetchAny, list: listFs };
  if (/^file:/.test(spec)) return { url: spec, fetch: fetchAny, list: listFs };
  return { url: pathToFileURL(resolve(cwd, spec)).href, fetch: fetchAny, list: listFs };
}

export function detectKind(doc: unknown, text: string, name: string): ContractKind {
  if (isObject(doc)) {
    if (typeof doc.openapi === 'string') {
      if (!/^3\.[01]\./.test(doc.openapi)) throw new InputError(`${name}: OpenAPI ${doc.openapi} is not supported (3.0 or 3.1)`);
      return 'openapi';
    }
    if (doc.swagger !== undefined) throw new InputError(`${name}: Swagger 2.0 is not supported (convert to OpenAPI 3)`);
    if (typeof doc.asyncapi === 'string') {
      if (!doc.asyncapi.startsWith('3.')) throw new InputError(`${name}: AsyncAPI ${doc.asyncapi} is not supported (3.x)`);
      return 'asyncapi';
    }
    if (typeof doc.$schema === 'string' || doc.type !== undefined || doc.properties !== undefined || doc.$defs !== undefined || doc.allOf !== undefined || doc.oneOf !== undefined || doc.anyOf !== undefined)
      return 'jsonschema';
    throw new InputError(`${name}: cannot tell what kind of contract this is (no openapi/asyncapi field and not a JSON Schema)`);
  }
  if (looksLikeSdl(text)) return 'graphql';
  throw new InputError(`${name}: not an OpenAPI, AsyncAPI, JSON Schema or GraphQL SDL document`);
}

const SDL_FILE = /\.(graphqls?|gql|sdl)$/i;

function looksLikeSdl(text: string): boolean {
  return /^\s*(?:"""[\s\S]*?"""\s*|#[^\n]*\n\s*)*(?:extend\s+)?(schema|type|interface|union|enum|input|scalar|directive)\b/m.test(text);
}

/**
 * `npm:<package spec>[:<path in package>]`: the contract snapshot shipped inside a released package,
 * fetched with `npm pack` (scripts never run). Without a path, the package.json `contract` field names it.
 */
function unpackNpm(spec: string, cwd: string): { file: string; cleanup: () => void } {
  const m = /^npm:([^:]+)(?::(.+))?$/.exec(spec);
  if (!m) throw new InputError(`${spec}: expected npm:<package>@<version>[:<path inside the package>]`);
  const [, pkgSpec, inner] = m as unknown as [string, string, string | undefined];
  const dir = mkdtempSync(join(tmpdir(), 'contract-diff-npm-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    let out: string;
    try {
      out = execFileSync('npm', ['pack', pkgSpec, '--pack-destination', dir, '--json', '--ignore-scripts'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const msg = stderrLines(e).filter((l) => /ERR!|error/i.test(l))[0] ?? 'npm pack failed';
      throw new InputError(`${spec}: ${msg}`);
    }
    const packed = JSON.parse(out) as { filename: string }[];
    const tarball = packed[0]?.filename;
    if (!tarball) throw new InputError(`${spec}: npm pack produced no tarball`);
    execFileSync('tar', ['-xzf', join(dir, tarball.replace(/^@/, '').replace(/\//g, '-')), '-C', dir], { stdio: 'ignore' });
    const root = join(dir, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contract?: unknown };
    const path = inner ?? (typeof manifest.contract === 'string' ? manifest.contract : undefined);
    if (!path) throw new InputError(`${spec}: name the contract inside the package (npm:${pkgSpec}:<path>) or give the package a "contract" field`);
    return { file: join(root, path), cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

export async function loadContract(spec: string, cwd = process.cwd()): Promise<LoadedContract> {
  if (spec.startsWith('npm:')) {
    const { file, cleanup } = unpackNpm(spec, cwd);
    try {
      // Everything (including files reached by $ref) is read now, so the unpacked copy can go.
      return { ...(await loadContract(file, cwd)), name: spec };
    } finally {
      cleanup();
    }
  }
  const { url, fetch, list } = locate(spec, cwd);
  const entries = await list(url);
  if (entries) {
    // A directory of subgraph SDL files: composed into a supergraph before comparing.
    const files = entries.filter((e) => SDL_FILE.test(e));
    if (files.length === 0) throw new InputError(`${spec}: directory has no .graphql subgraph files`);
    const dirUrl = url.endsWith('/') ? url : url + '/';
    const subgraphs = await Promise.all(files.map(async (f) => ({ name: f.replace(SDL_FILE, ''), sdl: await fetch(new URL(f, dirUrl).href) })));
    return { kind: 'graphql', document: { subgraphs }, url: dirUrl, docs: new DocumentSet(), name: spec };
  }
  const text = await fetch(url);
  let doc: unknown;
  const sdlFile = SDL_FILE.test(url);
  // Cheap tests first: the SDL pattern is a slow scan over a multi-MB JSON text.
  if (sdlFile || (!/^\s*[{[]/.test(text) && !/^\s*(openapi|asyncapi|swagger)\s*:/m.test(text) && looksLikeSdl(text))) {
    doc = text;
  } else {
    doc = parseText(text, spec);
  }
  const kind = typeof doc === 'string' ? 'graphql' : detectKind(doc, text, spec);
  const docs = new DocumentSet();
  if (kind !== 'graphql') {
    docs.add(url, doc as Json);
    // Breadth-first over external refs, each file read once.
    const queue = mayReferOut(text) ? externalRefs(doc as Json, url) : [];
    while (queue.length) {
      const next = queue.shift()!;
      if (docs.has(next)) continue;
      const t = await fetch(next);
      const d = parseText(t, next.startsWith('file:') ? fileURLToPath(next) : next) as Json;
      docs.add(next, d);
      if (mayReferOut(t)) queue.push(...externalRefs(d, next));
    }
  }
  return { kind, document: doc, url, docs, name: spec };
}

/**
 * False when no `$ref` in the text points outside the document (every one is followed by a `#`
 * fragment): a scan of the text is far cheaper than walking a multi-MB parsed tree for nothing.
 */
function mayReferOut(text: string): boolean {
  return /\$ref["']?\s*:(?!\s*["']?#)/.test(text);
}

/** What a failed child process printed (its error message when it printed nothing). */
function stderrLines(e: unknown): string[] {
  return String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n');
}
