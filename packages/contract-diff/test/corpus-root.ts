import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe } from 'vitest';

/**
 * The research corpus (../shared/corpus next to the repo, never copied into it). CLEANAPP_CORPUS_DIR
 * points elsewhere, e.g. when CI runs on a clone in another folder.
 */
export function corpusRoot(): URL {
  const dir = process.env.CLEANAPP_CORPUS_DIR;
  return dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : new URL('../../../../shared/corpus/', import.meta.url);
}

/** A suite over corpus files; without them it is skipped, and says so in the test output. */
export function describeCorpus(dir: string, title: string, fn: () => void): void {
  if (existsSync(dir)) {
    describe(title, fn);
    return;
  }
  console.log(`skipped: corpus absent (${dir})`);
  describe.skip(`${title} (skipped: corpus absent: ${dir})`, fn);
}
