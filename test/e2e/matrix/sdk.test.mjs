// Client matrix (issue 4): the AWS SDK for JavaScript v3 (@aws-sdk/client-s3 plus @aws-sdk/lib-storage's
// `Upload`) with its DEFAULT settings — only the endpoint, the key and a region (this SDK refuses to sign without
// one) — runs the shared workload of fixtures.mjs against a real server started as `npm start` does.
// No `forcePathStyle`: the SDK's endpoint rules use path-style addressing by themselves for an IP endpoint such as
// the site's `http://127.0.0.2:<port>` (asserted below), so users need not set it there.
// The steps share state and run in order.
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTenants, startFreshRos } from '../support/ros-api.mjs';
import { recordRequests, s3Error } from '../support/sdk.mjs';
import { makeFixtures, md5, md5File, stepTimer } from './fixtures.mjs';

// The SDK warns once that releases after January 2027 need Node 22 (package.json allows 20.3+); known, so quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const MiB = 1024 * 1024;
const BUCKET = 'matrix-aws-sdk-js';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
/** @type {ReturnType<typeof s3>} */
let client;
/** Wall time of each step, reported at the end. */
const { timings, timed } = stepTimer();

beforeAll(async () => {
  ros = await startFreshRos();
  const tenants = await setupTenants(ros);
  fx = makeFixtures('aws-sdk-js');
  client = s3(tenants.keys.main);
});

afterAll(async () => {
  await ros?.stopAll();
  fx?.remove();
  console.info(`aws-sdk-js matrix timings (ms): ${JSON.stringify(timings)}`);
});

/**
 * The client exactly as a user would make it. Every request it sends is recorded in `client.sent` (after
 * signing, so the payload-signing mode and checksum headers are visible).
 */
function s3(key) {
  const c = new S3Client({
    endpoint: key.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
  return recordRequests(c);
}

/** SHA-256 and length of a GetObject body, streamed (the SDK validates a whole-object CRC32 as it goes). */
async function bodyDigest(out) {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of out.Body) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { sha256: hash.digest('hex'), length };
}

/** Uploaded keys: `key` → { size, sha256, etag pattern }. Filled as the steps run. */
const uploaded = new Map();
const byName = (name) => fx.files.find((f) => f.name === name);

describe('@aws-sdk/client-s3 + @aws-sdk/lib-storage, default settings', () => {
  it('creates the bucket, path style on its own for the IP endpoint', async () => {
    const created = await timed('createBucket', () => client.send(new CreateBucketCommand({ Bucket: BUCKET })));
    expect(created.$metadata.httpStatusCode).toBe(200);
    const sent = client.sent.at(-1);
    expect(sent.hostname).toBe('127.0.0.2');
    expect(sent.path).toBe(`/${BUCKET}/`);
  });

  it('puts the 0 B and 1 B files with a Buffer body: signed payload, CRC32 header, MD5 ETag', async () => {
    for (const name of ['empty.bin', 'one-byte.bin']) {
      const f = byName(name);
      const body = fs.readFileSync(f.path);
      const out = await timed(`put ${name}`, () =>
        client.send(new PutObjectCommand({ Bucket: BUCKET, Key: name, Body: body })),
      );
      expect(out.ETag).toBe(`"${md5(body)}"`);
      const sent = client.sent.at(-1);
      expect(sent.path).toBe(`/${BUCKET}/${name}`);
      // Over http the SDK hashes the body into the signature; by default it adds a CRC32 header, which ROS
      // verifies and echoes.
      expect(sent.headers['x-amz-content-sha256']).toBe(f.sha256);
      expect(sent.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
      expect(out.ChecksumCRC32).toBe(sent.headers['x-amz-checksum-crc32']);
      uploaded.set(name, { ...f, etag: `"${md5(body)}"`, crc32: out.ChecksumCRC32 });
    }
  });

  it('uploads the 5 MiB + 1 and 64 MiB files from file streams with lib-storage Upload: multipart, 5 MiB parts', async () => {
    for (const [name, parts] of [
      ['five-mib-plus-one.bin', 2],
      ['sixty-four-mib.bin', 13],
    ]) {
      const f = byName(name);
      const from = client.sent.length;
      const upload = new Upload({ client, params: { Bucket: BUCKET, Key: name, Body: fs.createReadStream(f.path) } });
      const out = await timed(`Upload ${name}`, () => upload.done());
      // The default part size is 5 MiB (queue of 4): 5 MiB + 1 is 5 MiB and 1 B; 64 MiB is 12 × 5 MiB + 4 MiB.
      expect(out.ETag).toMatch(new RegExp(`^"[0-9a-f]{32}-${parts}"$`));
      const sent = client.sent.slice(from);
      // No request failed and none was retried (the counts above would show a retry).
      expect(
        sent.filter((r) => r.status !== 200).map((r) => [r.command, r.query.partNumber, r.status, r.error]),
      ).toEqual([]);
      expect(sent.map((r) => r.command)).toEqual([
        'CreateMultipartUploadCommand',
        ...Array(parts).fill('UploadPartCommand'),
        'CompleteMultipartUploadCommand',
      ]);
      // lib-storage asks for a CRC32 (composite) checksum at CreateMultipartUpload; each part is a Buffer, sent
      // with a signed payload hash and an x-amz-checksum-crc32 header.
      expect(sent[0].headers['x-amz-checksum-algorithm']).toBe('CRC32');
      const partRequests = sent.filter((r) => r.command === 'UploadPartCommand');
      expect(partRequests.map((r) => Number(r.query.partNumber)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: parts }, (_, i) => i + 1),
      );
      for (const r of partRequests) {
        expect(r.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
        expect(r.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
      }
      // Bodies over 2 MB carry `Expect: 100-continue`; the SDK's default handler then waits (up to 6 s) for a
      // `100 Continue` before sending the body, so the local server must answer it or each part takes 6 s longer.
      for (const r of partRequests)
        expect(r.headers.Expect).toBe(
          Number(r.headers['content-length']) > 2 * 1024 * 1024 ? '100-continue' : undefined,
        );
      const sizes = partRequests.map((r) => Number(r.headers['content-length']));
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(f.size);
      expect(Math.max(...sizes)).toBe(5 * MiB);
      uploaded.set(name, { ...f, etag: out.ETag, parts });
    }
  });

  it('puts the 5 MiB + 1 file from a file stream with PutObject: aws-chunked, unsigned payload, CRC32 trailer', async () => {
    const f = byName('five-mib-plus-one.bin');
    const key = 'streamed/five-mib-plus-one.bin';
    const out = await timed('PutObject stream 5MiB+1', () =>
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fs.createReadStream(f.path), ContentLength: f.size }),
      ),
    );
    const sent = client.sent.at(-1);
    expect(sent.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sent.headers['content-encoding']).toBe('aws-chunked');
    expect(sent.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    expect(Number(sent.headers['x-amz-decoded-content-length'])).toBe(f.size);
    expect(out.ETag).toBe(`"${await md5File(f.path)}"`);
    expect(out.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    uploaded.set(key, { ...f, etag: out.ETag, crc32: out.ChecksumCRC32 });
  });

  it('gets every object back byte for byte (streamed, sha256)', async () => {
    for (const [key, f] of uploaded) {
      const { out, got } = await timed(`get ${key}`, async () => {
        const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        return { out: res, got: await bodyDigest(res) };
      });
      expect(out.ContentLength, key).toBe(f.size);
      expect(out.ETag, key).toBe(f.etag);
      expect(got.length, key).toBe(f.size);
      expect(got.sha256, key).toBe(f.sha256);
    }
  });

  it('heads every object with ChecksumMode ENABLED: sizes, ETags and the stored CRC32s', async () => {
    for (const [key, f] of uploaded) {
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
      expect(head.ContentLength, key).toBe(f.size);
      expect(head.ETag, key).toBe(f.etag);
      if (f.parts) {
        // A composite checksum of the parts' CRC32s, marked with the part count, as S3 reports it.
        expect(head.ChecksumCRC32, key).toMatch(new RegExp(`^[A-Za-z0-9+/]{6}==-${f.parts}$`));
        expect(head.ChecksumType, key).toBe('COMPOSITE');
      } else {
        expect(head.ChecksumCRC32, key).toBe(f.crc32);
        expect(head.ChecksumType, key).toBe('FULL_OBJECT');
      }
    }
  });

  it('lists the objects with their sizes and ETags (ListObjectsV2)', async () => {
    const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(out.IsTruncated).toBe(false);
    const listed = out.Contents.map((o) => [o.Key, o.Size, o.ETag]);
    expect(listed).toEqual([...uploaded].map(([key, f]) => [key, f.size, f.etag]).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(out.KeyCount).toBe(uploaded.size);
  });

  it('copies every object server-side, the 64 MiB multipart one included', async () => {
    for (const [key, f] of [...uploaded]) {
      if (key.startsWith('streamed/')) continue;
      const dest = `copies/${key}`;
      const out = await timed(`copy ${key}`, () =>
        client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: dest, CopySource: `${BUCKET}/${key}` })),
      );
      expect(out.CopyObjectResult.ETag, key).toMatch(/^"[0-9a-f]{32}"$/);
      const got = await timed(`get ${dest}`, async () =>
        bodyDigest(await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: dest }))),
      );
      expect(got.length, dest).toBe(f.size);
      expect(got.sha256, dest).toBe(f.sha256);
      uploaded.set(dest, { ...f, etag: out.CopyObjectResult.ETag });
    }
  });

  it('puts the sync tree (keys with spaces, +, unicode, folders) and lists them back', async () => {
    for (const t of fx.tree.files) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `tree/${t.rel}`, Body: fs.readFileSync(t.path) }));
      const got = await bodyDigest(await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `tree/${t.rel}` })));
      expect(got.sha256, t.rel).toBe(t.sha256);
      uploaded.set(`tree/${t.rel}`, t);
    }
    const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tree/' }));
    expect(out.Contents.map((o) => o.Key)).toEqual(fx.tree.files.map((t) => `tree/${t.rel}`).sort());
  });

  it('deletes many objects in one DeleteObjects call', async () => {
    const keys = [...uploaded.keys()];
    expect(keys.length).toBeGreaterThanOrEqual(15);
    // A key that never existed is reported as deleted too, as S3 does.
    const all = [...keys, 'never/existed.bin'];
    const out = await timed('deleteObjects', () =>
      client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: all.map((Key) => ({ Key })) } })),
    );
    // The SDK sends the required Content-MD5 or, by default, a CRC32 of the XML body.
    const sent = client.sent.at(-1);
    expect(Object.keys(sent.headers).some((h) => h === 'content-md5' || h.startsWith('x-amz-checksum-'))).toBe(true);
    expect(out.Errors ?? []).toEqual([]);
    expect(out.Deleted.map((d) => d.Key).sort()).toEqual([...all].sort());
    const left = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(left.KeyCount).toBe(0);
    expect(left.Contents ?? []).toEqual([]);
  });

  it('deletes the bucket, which is then gone', async () => {
    const out = await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    const head = await s3Error(client.send(new HeadBucketCommand({ Bucket: BUCKET })));
    expect(head.name).toBe('NotFound'); // HEAD errors have no body: the SDK names them by status
    expect(head.$metadata.httpStatusCode).toBe(404);
  });
});
