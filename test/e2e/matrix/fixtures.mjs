// The client matrix's shared workload (issue 4): every S3 client, with its default settings, uploads the same
// files, reads them back, lists, copies, deletes many and deletes its bucket. The sizes straddle the edges that
// break stores: empty, one byte, one byte past the 5 MiB minimum part size, and a 64 MiB file that every client
// sends as a multipart upload with its own part size.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MiB = 1024 * 1024;

/** Name and size of each file, in upload order. */
export const MATRIX_FILES = [
  { name: 'empty.bin', size: 0 },
  { name: 'one-byte.bin', size: 1 },
  { name: 'five-mib-plus-one.bin', size: 5 * MiB + 1 },
  { name: 'sixty-four-mib.bin', size: 64 * MiB },
];

/** Names for the tree that `sync`-style commands upload: spaces, `+`, unicode, nested folders. */
export const TREE_FILES = [
  'plain.txt',
  'with space.txt',
  'a+b=c.txt',
  'ünïcødé – 文件.txt',
  'folder one/nested+plus/deep file.txt',
  'folder one/emoji 🚀.txt',
];

export const sha256 = (data) => createHash('sha256').update(data).digest('hex');
export const md5 = (data) => createHash('md5').update(data).digest('hex');

/** SHA-256 of a file, streamed (the 64 MiB file is never held twice). */
export async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Writes the matrix files (random bytes) and the sync tree into a fresh temp dir.
 * @returns {{ dir: string, files: { name: string, size: number, path: string, sha256: string }[],
 *   tree: { dir: string, files: { rel: string, path: string, sha256: string }[] }, remove: () => void }}
 */
export function makeFixtures(label = 'matrix') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ros-e2e-${label}-`));
  const files = MATRIX_FILES.map(({ name, size }) => {
    const file = path.join(dir, name);
    const hash = createHash('sha256');
    const fd = fs.openSync(file, 'w');
    for (let left = size; left > 0; ) {
      const chunk = randomBytes(Math.min(left, 4 * MiB));
      fs.writeSync(fd, chunk);
      hash.update(chunk);
      left -= chunk.length;
    }
    fs.closeSync(fd);
    return { name, size, path: file, sha256: hash.digest('hex') };
  });
  const treeDir = path.join(dir, 'tree');
  const tree = TREE_FILES.map((rel) => {
    const file = path.join(treeDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body = Buffer.concat([Buffer.from(`${rel}\n`), randomBytes(1000 + rel.length)]);
    fs.writeFileSync(file, body);
    return { rel, path: file, sha256: sha256(body) };
  });
  return { dir, files, tree: { dir: treeDir, files: tree }, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
