// The client matrix's shared workload (issue 4): every S3 client, with its default settings, uploads the same
// files, reads them back, lists, copies, deletes many and deletes its bucket. The sizes straddle the edges that
// break stores: empty, one byte, one byte past the 5 MiB minimum part size, and a 64 MiB file that every client
// sends as a multipart upload with its own part size.
import { AwsClient } from 'aws4fetch';
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

/** MD5 of a file, hex (the S3 ETag of a single-PUT upload of it). */
export const md5File = (file) => md5(fs.readFileSync(file));

/** The quoted S3 ETag of `file` uploaded in parts of `partSize` bytes: MD5 of the part MD5s, then "-N". */
export function multipartEtag(file, partSize) {
  const data = fs.readFileSync(file);
  const md5s = [];
  for (let at = 0; at < data.length; at += partSize)
    md5s.push(
      createHash('md5')
        .update(data.subarray(at, at + partSize))
        .digest(),
    );
  return `"${md5(Buffer.concat(md5s))}-${md5s.length}"`;
}

/** Wall time per named step (ms), printed by each file at the end. */
export function stepTimer() {
  const timings = {};
  return {
    timings,
    async timed(name, fn) {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    },
  };
}

/** HEAD of `bucket/objectKey` signed with `key` outside the client under test: the ETag, status and length. */
export async function headObject(key, bucket, objectKey) {
  const aws = new AwsClient({
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    service: 's3',
    region: 'us-east-1',
  });
  const res = await aws.fetch(`${key.endpoint}/${bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`, {
    method: 'HEAD',
  });
  return { status: res.status, etag: res.headers.get('etag'), length: Number(res.headers.get('content-length')) };
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
  return {
    dir,
    files,
    tree: { dir: treeDir, files: tree },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
