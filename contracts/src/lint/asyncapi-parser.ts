import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The part of a Spectral diagnostic the linter uses (plain data, so it can cross a thread boundary). */
export interface ParserDiagnostic {
  code: string | number;
  message: string;
  path: (string | number)[];
  severity: number;
  source?: string;
  range: { start: { line: number; character: number } };
}

// The official parser spends ~1–2 s of CPU per document (importing it, then compiling the AsyncAPI meta
// schema with ajv on every parse). It runs in a worker thread so that, on a 2-core runner, it overlaps
// with Redocly and the GraphQL composition on the main thread. The worker is plain CommonJS so it
// works the same under tsx and vitest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let parser;
parentPort.on('message', async ({ id, text, source }) => {
  try {
    parser ??= new (require(workerData.parserPath).Parser)();
    if (text === undefined) return; // warm-up only
    const { diagnostics } = await parser.parse(text, { source });
    const plain = diagnostics.map((d) => ({
      code: d.code, message: d.message, path: [...d.path], severity: d.severity, source: d.source,
      range: { start: { line: d.range.start.line, character: d.range.start.character } },
    }));
    parentPort.postMessage({ id, diagnostics: plain });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

type Reply = { id: number; diagnostics?: ParserDiagnostic[]; error?: string };

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (d: ParserDiagnostic[]) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  const parserPath = createRequire(import.meta.url).resolve('@asyncapi/parser');
  // execArgv: [] so the worker does not load the TypeScript loader (tsx) it does not need.
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { parserPath }, execArgv: [] });
  w.on('message', ({ id, diagnostics, error }: Reply) => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) w.unref(); // idle: never keep the process alive
    if (error !== undefined) p?.reject(new Error(error));
    else p?.resolve(diagnostics ?? []);
  });
  w.unref(); // only a pending parse keeps the process alive
  w.on('error', (error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = undefined;
  });
  worker = w;
  return w;
}

/** Starts parsing at once (in the worker); await the result when needed. */
export function parseAsyncApi(text: string, source: string): Promise<ParserDiagnostic[]> {
  const w = getWorker();
  const id = nextId++;
  w.ref(); // busy: keep the process alive until the answer arrives
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, text, source });
  });
}

/**
 * Loads the parser in its worker now, so that it overlaps with whatever the main thread loads next
 * (Redocly takes ~1 s to import). The CLI calls this first when it will lint the real contracts.
 */
export function warmUpAsyncApiParser(): void {
  getWorker().postMessage({ id: -1 });
}
