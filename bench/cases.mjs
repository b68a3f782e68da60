// The workload: what each case sends, and the objects it needs in place first. Every target gets the same
// requests through load.mjs's send(); the only per-target difference is the multipart body (see multipartUpload()).
import zlib from 'node:zlib';
import { BUCKET } from './targets.mjs';
import { send } from './load.mjs';
import { canonicalQuery } from './sigv4.mjs';

const KiB = 1024;
export const MiB = 1024 * KiB;

const SMALL = 4 * KiB;
const LARGE = 16 * MiB;
const PART = 16 * MiB;
const MPU_SIZE = 256 * MiB;
/** Objects the GET/HEAD cases cycle through: enough to defeat nothing in particular, few enough to preload fast. */
const SMALL_OBJECTS = 256;
const LARGE_OBJECTS = 4;
/** The SDKs stream a body to aws-chunked in the chunks they read it in: 64 KiB from a Node file stream. */
const AWS_CHUNK = 64 * KiB;

/** Bytes that are not all zeros (a compressing or deduplicating layer would flatter itself on zeros). */
function pattern(size, seed) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) buf.writeUInt32LE((Math.imul(i + seed, 2654435761) ^ (i >>> 7)) >>> 0, i);
  return buf;
}

const bodies = {
  small: pattern(SMALL, 1),
  large: pattern(LARGE, 2),
};

/** One multipart part, plain and aws-chunked with its CRC32 trailer; every part has these bytes. */
const part = (() => {
  const data = pattern(PART, 3);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data));
  const crc32 = crc.toString('base64');
  const pieces = [];
  for (let off = 0; off < data.length; off += AWS_CHUNK) {
    const chunk = data.subarray(off, off + AWS_CHUNK);
    pieces.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`0\r\nx-amz-checksum-crc32:${crc32}\r\n\r\n`));
  return { data, crc32, chunked: Buffer.concat(pieces) };
})();

const objectPath = (key) => `/${BUCKET}/${key}`;
const put = (target, key, body) =>
  send(target, { method: 'PUT', path: objectPath(key), body, headers: { 'content-length': String(body.length) } });

/** Runs `fn(i)` for i in [0, n) with `concurrency` in flight. */
async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** The ListObjectsV2 fixture: `keys` objects of `size` bytes under `prefix`. */
export const listingFixture = (keys) => ({ prefix: 'list/', keys, size: SMALL });
const listKey = (i) => `list/${String(i).padStart(6, '0')}`;

/**
 * What the read cases need, written once per target before any measurement: small and large objects to GET and
 * HEAD, and the listing's keys. moto's listing is written by bench/moto-server.py before it serves. For ROS and
 * the baseline, one object is PUT through the target itself, then copied in-process (body and metadata as the
 * target stored it) by the baseline Worker's /__bench/clone (`cloner`): the R2 simulation's writes are the floor
 * either way, and through ROS's HTTP path 10,000 PUTs take over a minute here. Without a cloner in the same
 * workerd (or if it cannot see the target's bucket), the keys are PUT through HTTP.
 */
export async function prepareFixtures(target, { listKeys, cloner }) {
  await pool(SMALL_OBJECTS, 32, (i) => put(target, `small/${i}`, bodies.small));
  await pool(LARGE_OBJECTS, 4, (i) => put(target, `large/${i}`, bodies.large));
  if (target.id === 'moto') return;
  await put(target, listKey(0), bodies.small);
  if (cloner) {
    const [from, to] = target.id === 'ros' ? [`${BUCKET}/${listKey(0)}`, `${BUCKET}/list/`] : [listKey(0), 'list/'];
    const query = canonicalQuery([
      ['bucket', target.id === 'ros' ? 'ros' : 'own'],
      ['from', from],
      ['to', to],
      ['count', String(listKeys)],
    ]);
    const res = await send(cloner, { method: 'POST', path: '/__bench/clone', query, expect: [200, 404] });
    if (res.status === 200) return;
  }
  await pool(listKeys - 1, 32, (i) => put(target, listKey(i + 1), bodies.small));
}

// ---- multipart -----------------------------------------------------------------------------------------------

const xmlValue = (text, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];

/**
 * One 256 MiB multipart upload, `inFlight` parts at a time, as the AWS SDK sends it by default: each part an
 * aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER) with an x-amz-checksum-crc32 trailer, the upload created
 * with x-amz-checksum-algorithm CRC32, and the part checksums listed in CompleteMultipartUpload. The baseline
 * Worker knows no aws-chunked, so it gets the same parts as plain bodies: what R2's multipart costs for the same
 * bytes with no decoding and no checksum. moto decodes aws-chunked itself (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
 */
async function multipartUpload(target, key, inFlight, size = MPU_SIZE, onComplete = () => {}) {
  const plain = target.id.startsWith('baseline');
  const path = objectPath(key);
  const created = await send(target, {
    method: 'POST',
    path,
    query: 'uploads=',
    headers: plain ? {} : { 'x-amz-checksum-algorithm': 'CRC32' },
    keepText: true,
  });
  const uploadId = xmlValue(created.text, 'UploadId');
  if (!uploadId) throw new Error(`no UploadId in ${created.text.slice(0, 200)}`);
  const parts = size / PART;
  const etags = new Array(parts);
  await pool(parts, inFlight, async (i) => {
    const query = canonicalQuery([
      ['partNumber', String(i + 1)],
      ['uploadId', uploadId],
    ]);
    const res = plain
      ? await send(target, { method: 'PUT', path, query, body: part.data, headers: { 'content-length': String(PART) } })
      : await send(target, {
          method: 'PUT',
          path,
          query,
          body: part.chunked,
          payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          headers: {
            'content-length': String(part.chunked.length),
            'content-encoding': 'aws-chunked',
            'x-amz-decoded-content-length': String(PART),
            'x-amz-trailer': 'x-amz-checksum-crc32',
            'x-amz-sdk-checksum-algorithm': 'CRC32',
          },
        });
    etags[i] = res.headers.etag;
  });
  const xml =
    '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    etags
      .map(
        (etag, i) =>
          `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag>${plain ? '' : `<ChecksumCRC32>${part.crc32}</ChecksumCRC32>`}</Part>`,
      )
      .join('') +
    '</CompleteMultipartUpload>';
  const body = Buffer.from(xml);
  const completing = performance.now();
  const done = await send(target, {
    method: 'POST',
    path,
    query: canonicalQuery([['uploadId', uploadId]]),
    body,
    headers: { 'content-length': String(body.length), 'content-type': 'application/xml' },
    keepText: true,
  });
  // S3 may answer 200 with an <Error> body once the parts are being assembled.
  if (/<Error>/.test(done.text)) throw new Error(`CompleteMultipartUpload: ${done.text.slice(0, 200)}`);
  onComplete(performance.now() - completing);
  return size;
}

/**
 * CompleteMultipartUpload's own time (the request alone, its parts uploaded one at a time before it) for uploads of
 * 16 MiB (one part) and 256 MiB (16 parts), `rounds` of each, alternating: with R2's multipart completed natively it
 * should not grow with the object. Resolves `{ [bytes]: ms[] }`.
 */
export async function completeTimes(target, rounds) {
  const times = { [PART]: [], [MPU_SIZE]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const size of [PART, MPU_SIZE]) {
      await multipartUpload(target, `complete/${size}`, 1, size, (ms) => times[size].push(ms));
    }
  }
  return times;
}

// ---- the cases -----------------------------------------------------------------------------------------------

/**
 * Each case: `op(target, concurrency)` builds the function runLoad calls as `(worker, i) => bytes moved`.
 * `unit` says how the case is reported; `large` cases get longer windows; `workers(c)` (default c) is how many
 * closed-loop workers run at concurrency c; `rounds(c)` caps the run's rounds for cases too slow to repeat.
 */
export const CASES = [
  {
    id: 'put-4k',
    group: '4 KiB objects',
    title: 'PUT 4 KiB',
    unit: 'ops/s',
    op: (target) => (_w, i) => put(target, `put4k/${i % 4096}`, bodies.small).then(() => SMALL),
  },
  {
    id: 'get-4k',
    group: '4 KiB objects',
    title: 'GET 4 KiB',
    unit: 'ops/s',
    op: (target) => (_w, i) =>
      send(target, { method: 'GET', path: objectPath(`small/${i % SMALL_OBJECTS}`) }).then((r) => r.bytes),
  },
  {
    id: 'head',
    group: '4 KiB objects',
    title: 'HEAD',
    unit: 'ops/s',
    op: (target) => (_w, i) =>
      send(target, { method: 'HEAD', path: objectPath(`small/${i % SMALL_OBJECTS}`) }).then(() => 0),
  },
  {
    id: 'list',
    group: 'ListObjectsV2',
    title: 'ListObjectsV2, 1,000-key pages',
    unit: 'pages/s',
    // Each worker walks the whole listing page by page, following NextContinuationToken, and starts over.
    op: (target) => {
      const tokens = new Map();
      return async (w) => {
        const params = [
          ['list-type', '2'],
          ['max-keys', '1000'],
          ['prefix', 'list/'],
        ];
        if (tokens.get(w)) params.push(['continuation-token', tokens.get(w)]);
        const res = await send(target, {
          method: 'GET',
          path: `/${BUCKET}`,
          query: canonicalQuery(params),
          keepText: true,
        });
        const count = Number(xmlValue(res.text, 'KeyCount') ?? (res.text.match(/<Key>/g) ?? []).length);
        if (count !== 1000) throw new Error(`a page held ${count} keys, not 1000`);
        tokens.set(
          w,
          xmlValue(res.text, 'NextContinuationToken')?.replace(/&#(\d+);|&amp;|&quot;/g, (m, code) =>
            code ? String.fromCharCode(code) : m === '&amp;' ? '&' : '"',
          ),
        );
        return res.bytes;
      };
    },
  },
  {
    id: 'put-16m',
    group: '16 MiB objects',
    title: 'PUT 16 MiB',
    unit: 'MiB/s',
    large: true,
    // At c32 a window moves at least 512 MiB, and the local R2 simulation writes a few tens of MiB/s: one round.
    rounds: (c) => (c >= 32 ? 1 : Infinity),
    op: (target) => (w) => put(target, `put16m/${w}`, bodies.large).then(() => LARGE),
  },
  {
    id: 'get-16m',
    group: '16 MiB objects',
    title: 'GET 16 MiB',
    unit: 'MiB/s',
    large: true,
    op: (target) => (_w, i) =>
      send(target, { method: 'GET', path: objectPath(`large/${i % LARGE_OBJECTS}`) }).then((r) => r.bytes),
  },
  {
    id: 'mpu-256m',
    group: 'Multipart upload',
    title: '256 MiB multipart, 16 MiB parts, CRC32 trailer',
    unit: 'MiB/s',
    large: true,
    // One upload at a time; the concurrency is the number of parts in flight (all 16 at "32").
    workers: () => 1,
    warmup: false, // its 16 parts warm each other up; a warm-up upload would double the case's time
    // 256 MiB per window, one upload: a single sample swung from 0.65× to 0.87× of the baseline between two runs, so
    // a full run takes the median of three (about 80 s more); a quick run does one.
    rounds: () => 3,
    concurrencyNote: `parts in flight: min(c, ${MPU_SIZE / PART})`,
    op: (target, c) => (_w, i) => multipartUpload(target, `mpu/${i % 2}`, Math.min(c, MPU_SIZE / PART)),
  },
];

// ---- memory ---------------------------------------------------------------------------------------------------

/** A 1 GiB (or `size`) body as 1 MiB Buffers, never all in memory at once. */
function* streamBody(size) {
  const chunk = pattern(MiB, 4);
  for (let sent = 0; sent < size; sent += MiB) yield chunk;
}

/** PUT then GET one `size`-byte object, calling `around(label, fn)` around each transfer (it samples memory). */
export async function bigTransfer(target, size, around) {
  const key = objectPath('mem/big');
  const put = await around('PUT', () =>
    send(target, {
      method: 'PUT',
      path: key,
      body: streamBody(size),
      headers: { 'content-length': String(size) },
      fresh: true,
    }),
  );
  const get = await around('GET', () => send(target, { method: 'GET', path: key, fresh: true }));
  if (get.result.bytes !== size) throw new Error(`GET returned ${get.result.bytes} bytes, not ${size}`);
  return { put, get };
}
