import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface TarFile {
  /** Path inside the package, without the leading `package/`. */
  path: string;
  data: Buffer;
}

/** Reads the regular files of an npm tarball (gzipped ustar, as written by npm/pnpm pack). */
export function readTarball(file: string): TarFile[] {
  const tar = gunzipSync(readFileSync(file));
  const files: TarFile[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const data = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') files.push({ path: name.replace(/^[^/]+\//, ''), data: Buffer.from(data) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
