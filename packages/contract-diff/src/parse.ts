import { parse as parseYaml } from 'yaml';

export class InputError extends Error {}

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
  try {
    // uniqueKeys off: real specs sometimes repeat keys and tools take the last one.
    return parseYaml(text, { uniqueKeys: false, maxAliasCount: -1 });
  } catch (e) {
    throw new InputError(`${name}: not valid JSON or YAML (${(e as Error).message.split('\n')[0]})`);
  }
}
