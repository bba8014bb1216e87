import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// What suites record for the summary (facts, latency) lives as one JSON file per name in a folder of the
// report dir: suites run in their own processes, so files are how their measurements reach the runner.

/** Writes `<dir>/<name>.json` (name made file-safe). */
export function writeRecord(dir: string, name: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

/** The `*.json` files of `dir`, sorted by name, as full paths; none when the folder does not exist. */
export function recordFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** Removes an earlier run's records, so a summary shows only this run's. */
export const clearRecords = (dir: string) => rmSync(dir, { recursive: true, force: true });
