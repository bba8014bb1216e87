// Which way round a document uses its schemas: every node reachable (through $refs) from what clients
// send (parameters, request bodies, callback and webhook responses) or read (responses, callback and
// webhook requests). Built on first use: only a readOnly/writeOnly flip asks, and flips are rare.
import type { Dir } from '../jsonschema/context.js';
import { isObject, type DocumentSet, type Json, type JsonObject } from '../refs.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function schemaUsage(root: JsonObject, docs: DocumentSet, url: string): (node: JsonObject, dir: Dir) => boolean {
  let index: Record<Dir, Set<object>> | undefined;
  return (node, dir) => {
    index ??= build(root, docs, url);
    return index[dir].has(node);
  };
}

function build(root: JsonObject, docs: DocumentSet, url: string): Record<Dir, Set<object>> {
  const seen: Record<Dir, Set<object>> = { request: new Set(), response: new Set() };
  const mark = (raw: Json | undefined, at: string, dir: Dir): void => {
    const stack: { node: Json | undefined; url: string }[] = [{ node: raw, url: at }];
    while (stack.length) {
      const { node, url: u } = stack.pop()!;
      if (Array.isArray(node)) {
        for (const x of node) stack.push({ node: x, url: u });
        continue;
      }
      if (!isObject(node) || seen[dir].has(node)) continue;
      seen[dir].add(node);
      if (typeof node.$ref === 'string') {
        const target = docs.deref(node, u);
        stack.push({ node: target.node, url: target.url });
      }
      for (const [k, v] of Object.entries(node)) if (k !== '$ref') stack.push({ node: v, url: u });
    }
  };
  const operations = (paths: Json | undefined, flip: boolean, at: string): void => {
    if (!isObject(paths)) return;
    const send: Dir = flip ? 'response' : 'request';
    const read: Dir = flip ? 'request' : 'response';
    for (const raw of Object.values(paths)) {
      const item = docs.deref(raw, at);
      if (!isObject(item.node)) continue;
      mark(item.node.parameters, item.url, send);
      for (const m of METHODS) {
        const op = docs.deref(item.node[m], item.url);
        if (!isObject(op.node)) continue;
        mark(op.node.parameters, op.url, send);
        mark(op.node.requestBody, op.url, send);
        mark(op.node.responses, op.url, read);
        // Callbacks run the other way round (the API sends their requests).
        if (isObject(op.node.callbacks))
          for (const cb of Object.values(op.node.callbacks)) {
            const c = docs.deref(cb, op.url);
            operations(c.node, !flip, c.url);
          }
      }
    }
  };
  operations(root.paths, false, url);
  operations(root.webhooks, true, url);
  return seen;
}
