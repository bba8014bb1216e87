import { createRequire } from 'node:module';
import { InputError } from './errors.js';

// yaml is loaded on the first YAML input only: a JSON pair never pays for it. `require` keeps
// parseText synchronous (the package ships a CommonJS build for Node).
const require = createRequire(import.meta.url);
let yaml: typeof import('yaml') | undefined;

/** Parses JSON or YAML text; `name` is used in the error so the user knows which input was bad. */
export function parseText(text: string, name: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      // JSON-looking YAML (flow style) is still valid YAML: fall through.
    }
  }
  yaml ??= require('yaml') as typeof import('yaml');
  try {
    // uniqueKeys off: real specs sometimes repeat keys and tools take the last one.
    return yaml.parse(text, { uniqueKeys: false, maxAliasCount: -1 });
  } catch (e) {
    throw new InputError(`${name}: not valid JSON or YAML (${(e as Error).message.split('\n')[0]})`);
  }
}
