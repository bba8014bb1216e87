import { pathToFileURL } from 'node:url';

/**
 * The research corpus (../shared/corpus next to the repo, never copied into it). CLEANAPP_CORPUS_DIR
 * points elsewhere, e.g. when CI runs on a clone in another folder.
 */
export function corpusRoot(): URL {
  const dir = process.env.CLEANAPP_CORPUS_DIR;
  return dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : new URL('../../../../shared/corpus/', import.meta.url);
}
