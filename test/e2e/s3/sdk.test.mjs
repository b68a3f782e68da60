// End-to-end: the AWS SDK for JavaScript v3 (@aws-sdk/client-s3, its presigner) against a real server started
// as `npm start` does, in path style (the site's loopback endpoint) and virtual-host style
// (`<bucket>.thailand-1.localhost`, resolved to 127.0.0.1 by the client's own agent: the server routes on Host).
// The steps of a suite share state and run in order.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFetch, localhostLookup, setupTenants, startFreshRos } from '../support/ros-api.mjs';
import { recordRequests, s3Error } from '../support/sdk.mjs';

// The SDK warns once that releases after January 2027 need Node 22 (package.json allows 20.3+); known, so quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
});

afterAll(async () => {
  await ros?.stopAll();
});

const md5 = (data) => createHash('md5').update(data).digest('hex');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * An S3 client for `key`. `virtual`: endpoint `http://thailand-1.localhost:<port>` with virtual-host addressing,
 * through an agent that resolves *.localhost; path style uses the SDK's default request handler, as users would.
 * Default checksum settings, as installed: a CRC32 on every upload (a header for buffers, an aws-chunked body
 * with a trailer for streams), and response checksums validated when present.
 * Every request the client sends is recorded in `client.sent` (after signing).
 *
 * Note: for bodies over 2 MB the SDK sends `Expect: 100-continue` and waits (up to 6 s) for a `100 Continue`;
 * wrangler dev never sends one, so npm start's site relay (bin/lib/local-server.mjs) answers it.
 */
function s3(key, { virtual = false, secretAccessKey = key.secretAccessKey, endpoint } = {}) {
  const client = new S3Client({
    endpoint: endpoint ?? (virtual ? `http://thailand-1.localhost:${ros.port}` : key.endpoint),
    region: 'us-east-1',
    forcePathStyle: !virtual,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey },
    ...(virtual && {
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, lookup: localhostLookup }) }),
    }),
    maxAttempts: 1,
  });
  return recordRequests(client);
}

const bodyBytes = async (out) => Buffer.from(await out.Body.transformToByteArray());

describe.each([
  { style: 'path', virtual: false, bucket: 'sdk-path-style' },
  { style: 'virtual-host', virtual: true, bucket: 'sdk-virtual-host' },
])('@aws-sdk/client-s3, $style addressing', ({ virtual, bucket }) => {
  /** @type {ReturnType<typeof s3>} */
  let client;
  const big = randomBytes(5 * 1024 * 1024);
  const tree = [
    'docs/x.txt',
    'photos/2024/a.jpg',
    'photos/2024/b.jpg',
    'photos/2025/c.jpg',
    'photos/readme.txt',
    'top.txt',
  ];

  beforeAll(() => {
    client = s3(tenants.keys.main, { virtual });
  });

  it('creates a bucket, which HeadBucket, GetBucketLocation and ListBuckets then see', async () => {
    const created = await client.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(created.$metadata.httpStatusCode).toBe(200);
    const last = client.sent.at(-1);
    expect(last.hostname).toBe(virtual ? `${bucket}.thailand-1.localhost` : '127.0.0.2');
    expect(last.path).toBe(virtual ? '/' : `/${bucket}/`);

    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');
    const location = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(location.LocationConstraint ?? '').toBe('');
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toContain(bucket);
    expect(Buckets.find((b) => b.Name === bucket).CreationDate).toBeInstanceOf(Date);
  });

  it('puts objects (string, Buffer, 5 MiB) with signed payloads, metadata and content type', async () => {
    const text = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'hello.txt',
        Body: 'Hello, Ridge! สวัสดี',
        ContentType: 'text/plain; charset=utf-8',
        Metadata: { author: 'e2e', 'x-note': 'two words' },
        CacheControl: 'max-age=60',
      }),
    );
    expect(text.ETag).toBe(`"${md5('Hello, Ridge! สวัสดี')}"`);
    // Over http the SDK signs the payload itself (x-amz-content-sha256 is the body's hash) and, by default, adds a
    // CRC32 header, which ROS verifies and echoes.
    const put = client.sent.at(-1);
    expect(put.headers['x-amz-content-sha256']).toBe(sha256('Hello, Ridge! สวัสดี'));
    expect(Object.keys(put.headers).filter((h) => h.startsWith('x-amz-checksum-'))).toEqual(['x-amz-checksum-crc32']);
    expect(text.ChecksumCRC32).toBe(put.headers['x-amz-checksum-crc32']);
    expect(put.headers['content-encoding']).toBeUndefined();

    // A stream body of unknown hash goes aws-chunked, with the CRC32 in a trailer.
    const streamed = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'streamed.bin',
        Body: Readable.from([Buffer.alloc(70_000, 7), Buffer.alloc(30_000, 9)]),
        ContentLength: 100_000,
      }),
    );
    const chunked = client.sent.at(-1);
    expect(chunked.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(chunked.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    expect(streamed.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const back = await bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed.bin' })));
    expect(back.equals(Buffer.concat([Buffer.alloc(70_000, 7), Buffer.alloc(30_000, 9)]))).toBe(true);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'streamed.bin' }));

    const buf = Buffer.from([0, 1, 2, 3, 254, 255]);
    const binary = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'bytes.bin', Body: buf }));
    expect(binary.ETag).toBe(`"${md5(buf)}"`);

    const large = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'big/random.bin',
        Body: big,
        ContentType: 'application/octet-stream',
      }),
    );
    expect(large.ETag).toBe(`"${md5(big)}"`);
    expect(client.sent.at(-1).headers.Expect).toBe('100-continue'); // bodies over 2 MB: see s3() above
  });

  it('gets objects back byte for byte, whole and by Range', async () => {
    const text = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(await text.Body.transformToString()).toBe('Hello, Ridge! สวัสดี');
    expect(text.ContentType).toBe('text/plain; charset=utf-8');
    expect(text.CacheControl).toBe('max-age=60');
    expect(text.Metadata).toEqual({ author: 'e2e', 'x-note': 'two words' });

    const binary = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'bytes.bin' }));
    expect(await bodyBytes(binary)).toEqual(Buffer.from([0, 1, 2, 3, 254, 255]));

    const whole = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/random.bin' }));
    expect(whole.ContentLength).toBe(big.length);
    const wholeBytes = await bodyBytes(whole);
    expect(wholeBytes.length).toBe(big.length);
    expect(wholeBytes.equals(big)).toBe(true);

    const part = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'big/random.bin', Range: 'bytes=1000-1999' }),
    );
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe(`bytes 1000-1999/${big.length}`);
    expect(part.ContentLength).toBe(1000);
    expect((await bodyBytes(part)).equals(big.subarray(1000, 2000))).toBe(true);

    const tail = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/random.bin', Range: 'bytes=-10' }));
    expect(tail.ContentRange).toBe(`bytes ${big.length - 10}-${big.length - 1}/${big.length}`);
    expect((await bodyBytes(tail)).equals(big.subarray(big.length - 10))).toBe(true);
  });

  it('honours conditional requests and response-* overrides', async () => {
    const etag = `"${md5('Hello, Ridge! สวัสดี')}"`;
    const notModified = await s3Error(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt', IfNoneMatch: etag })),
    );
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    const failed = await s3Error(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt', IfMatch: '"0123"' })),
    );
    expect(failed.name).toBe('PreconditionFailed');
    expect(failed.$metadata.httpStatusCode).toBe(412);

    const renamed = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: 'hello.txt',
        ResponseContentType: 'application/x-greeting',
        ResponseContentDisposition: 'attachment; filename="hi.txt"',
      }),
    );
    expect(renamed.ContentType).toBe('application/x-greeting');
    expect(renamed.ContentDisposition).toBe('attachment; filename="hi.txt"');
    await renamed.Body.transformToString();
  });

  it('heads an object: length, ETag, metadata', async () => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big/random.bin' }));
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toBe(`"${md5(big)}"`);
    expect(head.LastModified).toBeInstanceOf(Date);
    const text = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(text.Metadata).toEqual({ author: 'e2e', 'x-note': 'two words' });
    expect(text.ContentLength).toBe(Buffer.byteLength('Hello, Ridge! สวัสดี'));
  });

  it('lists with Delimiter and Prefix (v2 and v1)', async () => {
    for (const key of tree) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

    const top = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    expect(top.CommonPrefixes.map((p) => p.Prefix)).toEqual(['big/', 'docs/', 'photos/']);
    expect(top.Contents.map((o) => o.Key)).toEqual(['bytes.bin', 'hello.txt', 'top.txt']);
    expect(top.KeyCount).toBe(6);
    expect(top.IsTruncated).toBe(false);

    const photos = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'photos/', Delimiter: '/' }));
    expect(photos.Prefix).toBe('photos/');
    expect(photos.CommonPrefixes.map((p) => p.Prefix)).toEqual(['photos/2024/', 'photos/2025/']);
    expect(photos.Contents.map((o) => o.Key)).toEqual(['photos/readme.txt']);
    expect(photos.Contents[0].Size).toBe('photos/readme.txt'.length);
    expect(photos.Contents[0].ETag).toBe(`"${md5('photos/readme.txt')}"`);

    const v1 = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'photos/', Delimiter: '/' }));
    expect(v1.CommonPrefixes.map((p) => p.Prefix)).toEqual(['photos/2024/', 'photos/2025/']);
    expect(v1.Contents.map((o) => o.Key)).toEqual(['photos/readme.txt']);

    // v1 paging by Marker: without a delimiter there is no NextMarker, the last key is the next marker.
    const keys = [];
    let marker;
    for (let page = 0; page < 10; page++) {
      const out = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: 'photos/', MaxKeys: 2, Marker: marker }),
      );
      keys.push(...out.Contents.map((o) => o.Key));
      if (!out.IsTruncated) break;
      marker = out.NextMarker ?? out.Contents.at(-1).Key;
    }
    expect(keys).toEqual(['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/readme.txt']);
  });

  it('pages ListObjectsV2 with MaxKeys 2 via ContinuationToken', async () => {
    const all = ['big/random.bin', 'bytes.bin', 'hello.txt', ...tree].sort();
    const keys = [];
    let token;
    let pages = 0;
    do {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: token }));
      pages++;
      expect(out.KeyCount).toBe(out.Contents.length);
      expect(out.Contents.length).toBeLessThanOrEqual(2);
      keys.push(...out.Contents.map((o) => o.Key));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      if (out.IsTruncated) expect(token).toBeTruthy();
    } while (token && pages < 20);
    expect(keys).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));

    // The SDK's own paginator, with StartAfter.
    const viaPaginator = [];
    for await (const page of paginateListObjectsV2(
      { client, pageSize: 2 },
      { Bucket: bucket, StartAfter: 'hello.txt' },
    )) {
      viaPaginator.push(...(page.Contents ?? []).map((o) => o.Key));
    }
    expect(viaPaginator).toEqual(all.filter((k) => k > 'hello.txt'));
  });

  it('serves presigned GET and PUT URLs to plain HTTP clients', async () => {
    const send = (url, init) =>
      virtual
        ? localFetch(url, init)
        : fetch(url, init).then(async (r) => ({
            status: r.status,
            headers: Object.fromEntries(r.headers),
            body: Buffer.from(await r.arrayBuffer()),
          }));

    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }), {
      expiresIn: 300,
    });
    expect(new URL(getUrl).hostname).toBe(virtual ? `${bucket}.thailand-1.localhost` : '127.0.0.2');
    expect(getUrl).toContain('X-Amz-Signature=');
    const got = await send(getUrl);
    expect(got.status, got.body.toString()).toBe(200);
    expect(got.body.toString()).toBe('Hello, Ridge! สวัสดี');

    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'presigned/upload.txt' }), {
      expiresIn: 300,
    });
    const put = await send(putUrl, { method: 'PUT', body: 'uploaded with a presigned URL' });
    expect(put.status, put.body.toString()).toBe(200);
    const back = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'presigned/upload.txt' }));
    expect(await back.Body.transformToString()).toBe('uploaded with a presigned URL');

    // Tampering with a signed URL is refused.
    const tampered = getUrl.replace('hello.txt', 'bytes.bin');
    const refused = await send(tampered);
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers S3 errors the SDK maps to its exception types', async () => {
    const noKey = await s3Error(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'no/such/key' })));
    expect(noKey.name).toBe('NoSuchKey');
    expect(noKey.$metadata.httpStatusCode).toBe(404);
    const headMissing = await s3Error(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'no/such/key' })));
    expect(headMissing.name).toBe('NotFound'); // HEAD errors have no body: the SDK names them by status
    expect(headMissing.$metadata.httpStatusCode).toBe(404);

    const noBucket = await s3Error(client.send(new ListObjectsV2Command({ Bucket: `${bucket}-missing` })));
    expect(noBucket.name).toBe('NoSuchBucket');
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
    const noBucketGet = await s3Error(client.send(new GetObjectCommand({ Bucket: `${bucket}-missing`, Key: 'k' })));
    expect(noBucketGet.name).toBe('NoSuchBucket');

    // Created again by its owner: 200, as AWS us-east-1 answers (tools create buckets idempotently).
    const again = await client.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    const taken = await s3Error(s3(tenants.keys.other, { virtual }).send(new CreateBucketCommand({ Bucket: bucket })));
    expect(taken.name).toBe('BucketAlreadyExists');
    expect(taken.$metadata.httpStatusCode).toBe(409);

    for (const name of ['Bad_Bucket', 'ab', 'ends-with-dash-', '192.168.1.1']) {
      const invalid = await s3Error(client.send(new CreateBucketCommand({ Bucket: name })));
      expect(invalid.name, name).toBe('InvalidBucketName');
      expect(invalid.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('refuses wrong secrets, other projects and other sites', async () => {
    const wrong = await s3Error(
      s3(tenants.keys.main, { virtual, secretAccessKey: 'x'.repeat(40) }).send(
        new ListObjectsV2Command({ Bucket: bucket }),
      ),
    );
    expect(wrong.name).toBe('SignatureDoesNotMatch');
    expect(wrong.$metadata.httpStatusCode).toBe(403);

    const other = s3(tenants.keys.other, { virtual });
    for (const command of [
      new ListObjectsV2Command({ Bucket: bucket }),
      new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }),
      new PutObjectCommand({ Bucket: bucket, Key: 'intruder.txt', Body: 'no' }),
      new DeleteObjectCommand({ Bucket: bucket, Key: 'hello.txt' }),
      new DeleteBucketCommand({ Bucket: bucket }),
    ]) {
      const denied = await s3Error(other.send(command));
      expect(denied.name, command.constructor.name).toBe('AccessDenied');
      expect(denied.$metadata.httpStatusCode).toBe(403);
    }
    const { Buckets } = await other.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).not.toContain(bucket);

    // The project's finland-1 key, sent to thailand-1 (path or virtual host), is unknown there.
    const elsewhere = await s3Error(
      s3(tenants.keys.mainFinland, { virtual, endpoint: virtual ? undefined : tenants.keys.main.endpoint }).send(
        new ListObjectsV2Command({ Bucket: bucket }),
      ),
    );
    expect(elsewhere.name).toBe('InvalidAccessKeyId');
    expect(elsewhere.$metadata.httpStatusCode).toBe(403);
    // At its own site it works, and the thailand-1 bucket is not there.
    const finland = s3(tenants.keys.mainFinland);
    const missing = await s3Error(finland.send(new HeadBucketCommand({ Bucket: bucket })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('deletes objects (idempotently) and then the empty bucket', async () => {
    const notEmpty = await s3Error(client.send(new DeleteBucketCommand({ Bucket: bucket })));
    expect(notEmpty.name).toBe('BucketNotEmpty');
    expect(notEmpty.$metadata.httpStatusCode).toBe(409);

    const deleted = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect((await s3Error(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })))).name).toBe(
      'NoSuchKey',
    );
    const twice = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(twice.$metadata.httpStatusCode).toBe(204);

    for await (const page of paginateListObjectsV2({ client, pageSize: 100 }, { Bucket: bucket })) {
      for (const { Key } of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    }
    const empty = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(empty.KeyCount).toBe(0);
    expect(empty.Contents ?? []).toEqual([]);

    const gone = await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(gone.$metadata.httpStatusCode).toBe(204);
    const head = await s3Error(client.send(new HeadBucketCommand({ Bucket: bucket })));
    expect(head.$metadata.httpStatusCode).toBe(404);
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).not.toContain(bucket);
  });
});

describe('@aws-sdk/client-s3 and the console', () => {
  it('sees a bucket created in the console API, and can use it', async () => {
    const { admin, projects, thailand } = tenants;
    const bucket = await admin.createBucket(projects.main.id, thailand.id, 'made-in-console');
    expect(bucket.endpoint).toBe(tenants.keys.main.endpoint);

    const client = s3(tenants.keys.main);
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toContain('made-in-console');
    await client.send(new PutObjectCommand({ Bucket: 'made-in-console', Key: 'k', Body: 'v' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'made-in-console', Key: 'k' }));
    expect(await got.Body.transformToString()).toBe('v');
  });

  it('needs a region: the JS SDK refuses to send without one', async () => {
    // ROS accepts any region, but this client will not sign without being told one (boto3 and the aws CLI will).
    const saved = { ...process.env };
    for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[k];
    process.env.AWS_CONFIG_FILE = '/dev/null';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
    try {
      const client = new S3Client({
        endpoint: tenants.keys.main.endpoint,
        forcePathStyle: true,
        credentials: tenants.keys.main,
      });
      await expect(client.send(new ListBucketsCommand({}))).rejects.toThrow(/Region is missing/);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
