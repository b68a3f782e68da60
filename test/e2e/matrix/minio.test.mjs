// Client matrix (issue 4): MinIO's JavaScript client (minio-js `Client`) with its DEFAULT settings — only the
// endpoint (host, port, no TLS) and the key; no region, so it asks each bucket's region with GetBucketLocation
// before its first request there — runs the shared workload of fixtures.mjs against a real server started as
// `npm start` does. It addresses buckets path style for a non-AWS endpoint.
//
// Its default part size is 64 MiB and it goes multipart only ABOVE that, so `fPutObject` sends the 64 MiB file in
// one PUT. Multipart shows up in the two other ways users get it by default: a stream of unknown size (one part,
// as the part size is then sized for 5 TiB) and a stream of known size over 64 MiB (64 MiB parts). minio-js
// numbers the parts of a new upload from 2, not 1 (it increments before sending): S3 allows gaps, so must ROS.
// The steps share state and run in order.
import * as Minio from 'minio';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTenants, startFreshRos } from '../support/ros-api.mjs';
import { makeFixtures, md5, md5File, sha256File } from './fixtures.mjs';

const MiB = 1024 * 1024;
const BUCKET = 'matrix-minio-js';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
/** @type {Minio.Client} */
let client;
/** Every request the client made: `{ method, path, headers, status }`, from its HTTP trace. */
const sent = [];
/** Wall time of each step, reported at the end. */
const timings = {};

beforeAll(async () => {
  ros = await startFreshRos();
  const { keys } = await setupTenants(ros);
  fx = makeFixtures('minio-js');
  const endpoint = new URL(keys.main.endpoint);
  client = new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: keys.main.accessKeyId,
    secretKey: keys.main.secretAccessKey,
  });
  client.traceOn(traceRecorder());
});

afterAll(async () => {
  await ros?.stopAll();
  fx?.remove();
  console.info(`minio-js matrix timings (ms): ${JSON.stringify(timings)}`);
});

/** A stream for `client.traceOn` that parses its `REQUEST:`/`RESPONSE:` blocks into `sent`. */
function traceRecorder() {
  let current;
  let section;
  let pending = '';
  return new Writable({
    write(chunk, _enc, done) {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const req = /^REQUEST: (\S+) (.*)$/.exec(line);
        const res = /^RESPONSE: (\d+)$/.exec(line);
        if (req) {
          current = { method: req[1], path: req[2], headers: {}, status: undefined };
          sent.push(current);
          section = 'request';
        } else if (res) {
          current.status = Number(res[1]);
          section = 'response';
        } else if (section === 'request' && /^[\w-]+: /.test(line)) {
          const i = line.indexOf(': ');
          current.headers[line.slice(0, i).toLowerCase()] = line.slice(i + 2);
        } else if (line === 'ERROR BODY:') section = 'error';
      }
      done();
    },
  });
}

/** Runs `fn`, recording its wall time under `name`, and returns its result with the requests it made. */
async function timed(name, fn) {
  const from = sent.length;
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, requests: sent.slice(from) };
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
}

/** SHA-256 and length of a readable stream. */
async function streamDigest(stream) {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { sha256: hash.digest('hex'), length };
}

/** One stream of several files in a row. */
function concatFiles(files) {
  const out = new PassThrough();
  (async () => {
    for (const file of files) await pipeline(fs.createReadStream(file), out, { end: false });
    out.end();
  })().catch((err) => out.destroy(err));
  return out;
}

/** Uploaded keys: `key` → { size, sha256, etag (as minio-js gives it: unquoted) }. Filled as the steps run. */
const uploaded = new Map();
const byName = (name) => fx.files.find((f) => f.name === name);
const partNumbers = (requests) =>
  requests
    .filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.path))
    .map((r) => Number(/partNumber=(\d+)/.exec(r.path)[1]));

describe('minio-js Client, default settings', () => {
  it('makes the bucket (path style, no location body, signed for us-east-1)', async () => {
    const { requests } = await timed('makeBucket', () => client.makeBucket(BUCKET));
    expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([['PUT', `/${BUCKET}`, 200]]);
    expect(requests[0].headers.host).toBe(`127.0.0.2:${ros.port}`);
    expect(requests[0].headers.authorization).toMatch(/\/us-east-1\/s3\/aws4_request/);
    expect(await client.bucketExists(BUCKET)).toBe(true);
  });

  it('fPutObjects the four files: one signed PUT each, even the 64 MiB one (its part size is 64 MiB)', async () => {
    for (const f of fx.files) {
      const { result, requests } = await timed(`fPutObject ${f.name}`, () => client.fPutObject(BUCKET, f.name, f.path));
      // The first request at the bucket since makeBucket asks its region (GET ?location), once; then the PUT.
      const puts = requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => [r.path, r.status])).toEqual([[`/${BUCKET}/${f.name}`, 200]]);
      // Over http minio-js signs the payload's SHA-256 (no Content-MD5 then, no checksum headers).
      expect(puts[0].headers['x-amz-content-sha256']).toBe(f.sha256);
      expect(Number(puts[0].headers['content-length'])).toBe(f.size);
      const etag = await md5File(f.path);
      expect(result.etag).toBe(etag);
      uploaded.set(f.name, { ...f, etag });
    }
    const locations = sent.filter((r) => r.method === 'GET' && /[?&]location/.test(r.path));
    expect(locations.map((r) => [r.path, r.status])).toEqual([[`/${BUCKET}?location`, 200]]);
  });

  it('putObjects the 64 MiB file as a stream of unknown size: multipart, one part, numbered 2', async () => {
    const f = byName('sixty-four-mib.bin');
    const key = 'streamed/unknown-size-64mib.bin';
    const { result, requests } = await timed('putObject stream 64MiB (unknown size)', () =>
      client.putObject(BUCKET, key, fs.createReadStream(f.path)),
    );
    // It first looks for an upload to resume (ListMultipartUploads), then creates, uploads, completes.
    expect(requests.map((r) => [r.method, r.path.replace(/uploadId=[^&]+/, 'uploadId=…'), r.status])).toEqual([
      ['GET', `/${BUCKET}?uploads&delimiter=&max-uploads=1000&prefix=${encodeURIComponent(key)}`, 200],
      ['POST', `/${BUCKET}/${key}?uploads`, 200],
      ['PUT', `/${BUCKET}/${key}?partNumber=2&uploadId=…`, 200],
      ['POST', `/${BUCKET}/${key}?uploadId=…`, 200],
    ]);
    expect(result.etag).toMatch(/^[0-9a-f]{32}-1$/);
    uploaded.set(key, { ...f, etag: result.etag, parts: 1 });
  });

  it('putObjects 64 MiB + 5 MiB + 1 as a stream of known size: multipart, 64 MiB parts numbered 2 and 3', async () => {
    const sources = [byName('sixty-four-mib.bin'), byName('five-mib-plus-one.bin')];
    const size = sources[0].size + sources[1].size;
    const hash = createHash('sha256');
    for (const s of sources) for await (const chunk of fs.createReadStream(s.path)) hash.update(chunk);
    const key = 'streamed/known-size-69mib.bin';
    const { result, requests } = await timed('putObject stream 69MiB (known size)', () =>
      client.putObject(BUCKET, key, concatFiles(sources.map((s) => s.path)), size),
    );
    expect(partNumbers(requests)).toEqual([2, 3]);
    const partPuts = requests.filter((r) => /partNumber=/.test(r.path));
    expect(partPuts.map((r) => Number(r.headers['content-length']))).toEqual([64 * MiB, 5 * MiB + 1]);
    expect(partPuts.every((r) => /^[0-9a-f]{64}$/.test(r.headers['x-amz-content-sha256']))).toBe(true);
    expect(result.etag).toMatch(/^[0-9a-f]{32}-2$/);
    uploaded.set(key, { name: key, size, sha256: hash.digest('hex'), etag: result.etag, parts: 2 });
  });

  it('stats every object: size and ETag (multipart ones end in -N)', async () => {
    for (const [key, f] of uploaded) {
      const stat = await client.statObject(BUCKET, key);
      expect(stat.size, key).toBe(f.size);
      expect(stat.etag, key).toBe(f.etag);
      if (f.parts) expect(stat.etag, key).toMatch(new RegExp(`-${f.parts}$`));
    }
  });

  it('gets every object back byte for byte (getObject streamed; fGetObject to a file)', async () => {
    for (const [key, f] of uploaded) {
      const { result } = await timed(`getObject ${key}`, async () => streamDigest(await client.getObject(BUCKET, key)));
      expect(result.length, key).toBe(f.size);
      expect(result.sha256, key).toBe(f.sha256);
    }
    for (const name of ['empty.bin', 'sixty-four-mib.bin']) {
      const target = path.join(fx.dir, 'downloads', name);
      await timed(`fGetObject ${name}`, () => client.fGetObject(BUCKET, name, target));
      expect(fs.statSync(target).size, name).toBe(byName(name).size);
      expect(await sha256File(target), name).toBe(byName(name).sha256);
    }
  });

  it('lists the objects with sizes and ETags (listObjectsV2, recursive)', async () => {
    const listed = [];
    for await (const o of client.listObjectsV2(BUCKET, '', true)) listed.push([o.name, o.size, o.etag]);
    expect(listed).toEqual([...uploaded].map(([key, f]) => [key, f.size, f.etag]).sort(([a], [b]) => (a < b ? -1 : 1)));
    // Not recursive: a delimiter of '/', the streamed/ folder as a prefix.
    const top = [];
    for await (const o of client.listObjectsV2(BUCKET, '', false)) top.push(o.name ?? o.prefix);
    expect(top).toEqual([...fx.files.map((f) => f.name).sort(), 'streamed/']);
  });

  it('copies every object server-side (CopySourceOptions/CopyDestinationOptions), the 64 MiB ones included', async () => {
    for (const [key, f] of [...uploaded]) {
      const dest = `copies/${key}`;
      const { result } = await timed(`copyObject ${key}`, () =>
        client.copyObject(
          new Minio.CopySourceOptions({ Bucket: BUCKET, Object: key }),
          new Minio.CopyDestinationOptions({ Bucket: BUCKET, Object: dest }),
        ),
      );
      expect(result.Key).toBe(dest);
      const stat = await client.statObject(BUCKET, dest);
      expect(stat.size, dest).toBe(f.size);
      expect(stat.etag, dest).toMatch(/^[0-9a-f]{32}$/);
      if (!f.parts) expect(stat.etag, dest).toBe(f.etag);
      uploaded.set(dest, { ...f, etag: stat.etag, parts: undefined });
    }
    const big = await streamDigest(await client.getObject(BUCKET, 'copies/sixty-four-mib.bin'));
    expect(big.sha256).toBe(byName('sixty-four-mib.bin').sha256);
  });

  it('puts the sync tree (keys with spaces, +, unicode, folders) and reads it back', async () => {
    for (const t of fx.tree.files) {
      const body = fs.readFileSync(t.path);
      const { etag } = await client.putObject(BUCKET, `tree/${t.rel}`, body);
      expect(etag, t.rel).toBe(md5(body));
      const got = await streamDigest(await client.getObject(BUCKET, `tree/${t.rel}`));
      expect(got.sha256, t.rel).toBe(t.sha256);
      uploaded.set(`tree/${t.rel}`, t);
    }
    const listed = [];
    for await (const o of client.listObjectsV2(BUCKET, 'tree/', true)) listed.push(o.name);
    expect(listed).toEqual(fx.tree.files.map((t) => `tree/${t.rel}`).sort());
  });

  it('removes many objects in one call (removeObjects: a quiet DeleteObjects with Content-MD5)', async () => {
    const keys = [...uploaded.keys()];
    expect(keys.length).toBeGreaterThanOrEqual(16);
    const { result, requests } = await timed('removeObjects', () =>
      client.removeObjects(BUCKET, [...keys, 'never/existed.bin']),
    );
    expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([['POST', `/${BUCKET}?delete`, 200]]);
    expect(requests[0].headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(result).toEqual([]); // quiet mode: only errors are reported
    const left = [];
    for await (const o of client.listObjectsV2(BUCKET, '', true)) left.push(o.name);
    expect(left).toEqual([]);
  });

  it('removes the bucket, which then does not exist', async () => {
    await client.removeBucket(BUCKET);
    expect(await client.bucketExists(BUCKET)).toBe(false);
  });
});
