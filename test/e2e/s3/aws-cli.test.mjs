// End-to-end: the machine's `aws` CLI (v1, botocore) as a child process against a real server started as
// `npm start` does. Every run gets a clean HOME and empty AWS config/credentials files, and only the AWS_*
// variables set here. Path style: the site endpoint is a loopback IP, so botocore addresses buckets in the path.
// Objects stay below the CLI's 8 MiB multipart threshold. The steps share state and run in order.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awsEnv,
  cleanAwsHome,
  describeRun,
  resolveProgram,
  run,
  setupTenants,
  startFreshRos,
} from '../support/ros-api.mjs';

const AWS = resolveProgram('aws');

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let work; // local files to upload and download

const BUCKET = 'cli-bucket';
const UNICODE_NAME = 'holiday notes – ünïcødé 文件 #1.txt'; // spaces, an en dash, accents, CJK and a '#'

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-cli-files-'));
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/**
 * Runs `aws --endpoint-url <site> ...args` with `key` (default: the main project's thailand-1 key).
 * @param {string[]} args
 * @param {{ key?: any, region?: string | null, secret?: string, endpoint?: string, extra?: Record<string, string>, awsHome?: any }} [o]
 */
function aws(args, o = {}) {
  const key = o.key ?? tenants.keys.main;
  const env = awsEnv(
    o.awsHome ?? home,
    { ...key, secretAccessKey: o.secret ?? key.secretAccessKey },
    { region: o.region, extra: o.extra },
  );
  return run(AWS, ['--endpoint-url', o.endpoint ?? key.endpoint, ...args], { env, cwd: work });
}

/** Runs and expects exit 0; returns stdout (parsed when `json`). */
async function ok(args, o) {
  const r = await aws(args, o);
  expect(r.code, describeRun(r)).toBe(0);
  return r.stdout;
}
const okJson = async (args, o) => JSON.parse(await ok([...args, '--output', 'json'], o));

/** Runs and expects a failure naming `code` on stderr. */
async function fails(args, code, o) {
  const r = await aws(args, o);
  expect(r.code, describeRun(r)).not.toBe(0);
  expect(r.stderr, describeRun(r)).toContain(code);
  return r;
}

const md5 = (data) => createHash('md5').update(data).digest('hex');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const local = (name) => path.join(work, name);

describe('aws CLI', () => {
  const small = 'Hello from the aws CLI\n';
  const blob = randomBytes(3 * 1024 * 1024 + 123); // below the 8 MiB multipart threshold

  it('s3 mb creates a bucket that s3 ls lists; creating it again succeeds, as on AWS us-east-1', async () => {
    expect(await ok(['s3', 'mb', `s3://${BUCKET}`])).toContain(`make_bucket: ${BUCKET}`);
    const [listing, again, apiAgain, theirs] = await Promise.all([
      ok(['s3', 'ls']),
      ok(['s3', 'mb', `s3://${BUCKET}`]),
      okJson(['s3api', 'create-bucket', '--bucket', BUCKET]),
      fails(['s3api', 'create-bucket', '--bucket', BUCKET], 'BucketAlreadyExists', { key: tenants.keys.other }),
    ]);
    expect(listing).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${BUCKET}$`, 'm'));
    expect(again).toContain(`make_bucket: ${BUCKET}`);
    expect(apiAgain).toEqual({ Location: `/${BUCKET}` });
    expect(theirs.stderr).toContain('when calling the CreateBucket operation');
  });

  it('s3 cp uploads (signed payload, CRC32 header) and downloads byte for byte', async () => {
    fs.writeFileSync(local('small.txt'), small);
    fs.writeFileSync(local('blob.bin'), blob);
    // --debug shows what botocore sends: over http the payload is signed (its SHA-256), not aws-chunked, and
    // botocore ≥ 1.36 adds a CRC32 checksum *header*, which ROS accepts.
    const [up, blobUp] = await Promise.all([
      aws(['s3', 'cp', 'small.txt', `s3://${BUCKET}/small.txt`, '--debug']),
      ok(['s3', 'cp', 'blob.bin', `s3://${BUCKET}/data/blob.bin`]),
    ]);
    expect(up.code, describeRun(up)).toBe(0);
    expect(up.stdout).toContain(`upload: ./small.txt to s3://${BUCKET}/small.txt`);
    expect(up.stderr).toContain(`'X-Amz-Content-SHA256': b'${sha256(small)}'`);
    expect(up.stderr).toMatch(/'x-amz-checksum-crc32': b'[A-Za-z0-9+/=]+'/);
    expect(up.stderr).not.toContain('aws-chunked');

    expect(blobUp).toContain('upload: ./blob.bin');

    const [download, toStdout] = await Promise.all([
      ok(['s3', 'cp', `s3://${BUCKET}/data/blob.bin`, 'blob.back']),
      ok(['s3', 'cp', `s3://${BUCKET}/small.txt`, '-']),
    ]);
    expect(download).toContain('download:');
    expect(fs.readFileSync(local('blob.back')).equals(blob)).toBe(true);
    expect(toStdout).toBe(small);
  });

  it('s3 cp handles a file name with spaces and unicode, both ways', async () => {
    fs.writeFileSync(local(UNICODE_NAME), 'unicode body ✓\n');
    const [up] = await Promise.all([
      ok(['s3', 'cp', UNICODE_NAME, `s3://${BUCKET}/docs/${UNICODE_NAME}`]),
      ok(['s3', 'cp', 'small.txt', `s3://${BUCKET}/docs/2024/report.txt`]), // for the listings below
    ]);
    expect(up).toContain(`s3://${BUCKET}/docs/${UNICODE_NAME}`);
    const [, head] = await Promise.all([
      ok(['s3', 'cp', `s3://${BUCKET}/docs/${UNICODE_NAME}`, 'unicode.back']),
      okJson(['s3api', 'head-object', '--bucket', BUCKET, '--key', `docs/${UNICODE_NAME}`]),
    ]);
    expect(fs.readFileSync(local('unicode.back'), 'utf8')).toBe('unicode body ✓\n');
    expect(head.ContentLength).toBe(Buffer.byteLength('unicode body ✓\n'));
  });

  it('s3 ls shows PRE lines for common prefixes, and --recursive shows every key', async () => {
    const [top, docs, all] = await Promise.all([
      ok(['s3', 'ls', `s3://${BUCKET}/`]),
      ok(['s3', 'ls', `s3://${BUCKET}/docs/`]),
      ok(['s3', 'ls', '--recursive', `s3://${BUCKET}`]),
    ]);
    expect(top).toMatch(/^\s+PRE data\/$/m);
    expect(top).toMatch(/^\s+PRE docs\/$/m);
    expect(top).toMatch(new RegExp(`^\\S+ \\S+ +${small.length} small\\.txt$`, 'm'));

    expect(docs).toMatch(/^\s+PRE 2024\/$/m);
    expect(docs).toContain(` ${UNICODE_NAME}\n`);
    expect(docs).not.toContain('report.txt');

    const keys = all
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\S+ \S+ +\d+ /, ''));
    expect(keys).toEqual(['data/blob.bin', 'docs/2024/report.txt', `docs/${UNICODE_NAME}`, 'small.txt']);
  });

  it('s3api put-object / head-object / get-object --range', async () => {
    fs.writeFileSync(local('meta.json'), '{"hello":"world"}');
    const put = await okJson([
      's3api',
      'put-object',
      '--bucket',
      BUCKET,
      '--key',
      'api/meta.json',
      '--body',
      'meta.json',
      '--content-type',
      'application/json',
      '--metadata',
      'origin=cli,purpose=e2e test',
    ]);
    expect(put.ETag).toBe(`"${md5('{"hello":"world"}')}"`);

    const [head, whole, part] = await Promise.all([
      okJson(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'api/meta.json']),
      okJson(['s3api', 'get-object', '--bucket', BUCKET, '--key', 'api/meta.json', 'meta.back']),
      okJson([
        's3api',
        'get-object',
        '--bucket',
        BUCKET,
        '--key',
        'data/blob.bin',
        '--range',
        'bytes=100-1123',
        'range.back',
      ]),
    ]);
    expect(head).toMatchObject({
      ContentLength: 17,
      ContentType: 'application/json',
      ETag: put.ETag,
      Metadata: { origin: 'cli', purpose: 'e2e test' },
    });

    expect(whole.ContentLength).toBe(17);
    expect(fs.readFileSync(local('meta.back'), 'utf8')).toBe('{"hello":"world"}');

    expect(part.ContentRange).toBe(`bytes 100-1123/${blob.length}`);
    expect(part.ContentLength).toBe(1024);
    expect(fs.readFileSync(local('range.back')).equals(blob.subarray(100, 1124))).toBe(true);
  });

  it('s3api list-objects-v2 with --delimiter, --prefix and paging', async () => {
    const [top, docs, paged] = await Promise.all([
      okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--delimiter', '/']),
      okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'docs/', '--delimiter', '/']),
      // --page-size 2: the CLI follows NextContinuationToken itself and merges the pages.
      aws(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--page-size', '2', '--output', 'json', '--debug']),
    ]);
    expect(top.CommonPrefixes.map((p) => p.Prefix)).toEqual(['api/', 'data/', 'docs/']);
    expect(top.Contents.map((o) => o.Key)).toEqual(['small.txt']);

    expect(docs.CommonPrefixes.map((p) => p.Prefix)).toEqual(['docs/2024/']);
    expect(docs.Contents.map((o) => o.Key)).toEqual([`docs/${UNICODE_NAME}`]);

    expect(paged.code, describeRun(paged)).toBe(0);
    // 5 keys, 2 a page: 3 requests, the 2nd and 3rd with the token the one before returned.
    expect(paged.stderr.match(/Making request for OperationModel\(name=ListObjectsV2\)/g)).toHaveLength(3);
    expect(paged.stderr.match(/'continuation-token': '[^']+'/g)).toHaveLength(2);
    expect(JSON.parse(paged.stdout).Contents.map((o) => o.Key)).toEqual([
      'api/meta.json',
      'data/blob.bin',
      'docs/2024/report.txt',
      `docs/${UNICODE_NAME}`,
      'small.txt',
    ]);
  });

  it('s3api list-object-versions (every object once, VersionId null) and get-object-attributes', async () => {
    const [all, paged, grouped, attrs] = await Promise.all([
      okJson(['s3api', 'list-object-versions', '--bucket', BUCKET]),
      aws(['s3api', 'list-object-versions', '--bucket', BUCKET, '--page-size', '2', '--output', 'json', '--debug']),
      okJson(['s3api', 'list-object-versions', '--bucket', BUCKET, '--prefix', 'docs/', '--delimiter', '/']),
      okJson([
        's3api',
        'get-object-attributes',
        '--bucket',
        BUCKET,
        '--key',
        'small.txt',
        '--object-attributes',
        'ETag',
        'ObjectSize',
        'StorageClass',
        'ObjectParts',
      ]),
    ]);
    const keys = ['api/meta.json', 'data/blob.bin', 'docs/2024/report.txt', `docs/${UNICODE_NAME}`, 'small.txt'];
    expect(all.Versions.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual(keys.map((k) => [k, 'null', true]));
    expect(all.DeleteMarkers).toBeUndefined();
    expect(paged.code, describeRun(paged)).toBe(0);
    // 5 keys, 2 a page: the CLI follows NextKeyMarker / NextVersionIdMarker itself.
    expect(paged.stderr.match(/Making request for OperationModel\(name=ListObjectVersions\)/g)).toHaveLength(3);
    expect(paged.stderr.match(/'version-id-marker': 'null'/g)).toHaveLength(2);
    expect(JSON.parse(paged.stdout).Versions.map((v) => v.Key)).toEqual(keys);
    expect(grouped.CommonPrefixes.map((p) => p.Prefix)).toEqual(['docs/2024/']);
    expect(grouped.Versions.map((v) => v.Key)).toEqual([`docs/${UNICODE_NAME}`]);
    expect(attrs).toMatchObject({ ETag: md5(small), ObjectSize: small.length, StorageClass: 'STANDARD' });
    expect(attrs.ObjectParts).toBeUndefined();
    // The Last-Modified header, as the CLI prints header timestamps: as sent.
    expect(attrs.LastModified).toMatch(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
  });

  it('s3 sync uploads a tree once, and s3 rm --recursive removes it', async () => {
    fs.mkdirSync(local('tree/sub'), { recursive: true });
    fs.writeFileSync(local('tree/one.txt'), '1');
    fs.writeFileSync(local('tree/sub/two.txt'), '22');
    const first = await ok(['s3', 'sync', 'tree', `s3://${BUCKET}/tree/`]);
    expect(first.match(/^upload:/gm)).toHaveLength(2);
    const second = await ok(['s3', 'sync', 'tree', `s3://${BUCKET}/tree/`]);
    expect(second).not.toContain('upload:');
    const removed = await ok(['s3', 'rm', '--recursive', `s3://${BUCKET}/tree/`]);
    expect(removed.match(/^delete:/gm)).toHaveLength(2);
  });

  it('s3 presign gives URLs plain fetch can use, SigV2 by default and SigV4 when configured', async () => {
    // aws CLI v1 presigns with SigV2 unless the config asks for s3v4, whatever the region.
    const v4Home = cleanAwsHome();
    try {
      fs.writeFileSync(v4Home.config, '[default]\ns3 =\n    signature_version = s3v4\n');
      const [sigv2, sigv4] = await Promise.all([
        ok(['s3', 'presign', `s3://${BUCKET}/small.txt`, '--expires-in', '300']),
        ok(['s3', 'presign', `s3://${BUCKET}/small.txt`, '--expires-in', '300'], { awsHome: v4Home }),
      ]);
      expect(sigv2).toContain('AWSAccessKeyId=');
      const legacy = await fetch(sigv2.trim());
      expect(legacy.status).toBe(200);
      expect(await legacy.text()).toBe(small);

      const url = sigv4.trim();
      expect(url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(small);
      const ranged = await fetch(url, { headers: { Range: 'bytes=0-4' } });
      expect(ranged.status).toBe(206);
      expect(await ranged.text()).toBe('Hello');
    } finally {
      v4Home.remove();
    }
  });

  it('works with no region configured at all', async () => {
    const [listing, , head] = await Promise.all([
      ok(['s3', 'ls', `s3://${BUCKET}/`], { region: null }),
      ok(['s3', 'cp', 'small.txt', `s3://${BUCKET}/no-region.txt`], { region: null }),
      // Any region is accepted: the one the client signs with is echoed back.
      aws(['s3api', 'head-bucket', '--bucket', BUCKET, '--debug'], { region: 'ap-southeast-7' }),
    ]);
    expect(listing).toContain('small.txt');
    expect(head.code, describeRun(head)).toBe(0);
    expect(head.stderr).toContain("'x-amz-bucket-region': 'ap-southeast-7'");
  });

  it('reports S3 errors on stderr with a non-zero exit', async () => {
    const wrongSecret = { secret: 'w'.repeat(40) };
    const [, , , wrong] = await Promise.all([
      fails(['s3api', 'get-object', '--bucket', BUCKET, '--key', 'missing.txt', 'missing.back'], 'NoSuchKey'),
      fails(['s3', 'ls', `s3://${BUCKET}-missing/`], 'NoSuchBucket'),
      fails(['s3', 'mb', 's3://Not_A_Valid_Name'], 'InvalidBucketName'),
      fails(['s3', 'ls', `s3://${BUCKET}/`], 'SignatureDoesNotMatch', wrongSecret),
      // Another project's key: the bucket exists, but is not theirs.
      fails(['s3', 'ls', `s3://${BUCKET}/`], 'AccessDenied', { key: tenants.keys.other }),
      fails(['s3', 'mb', `s3://${BUCKET}`], 'BucketAlreadyExists', { key: tenants.keys.other }),
      // The project's finland-1 key at the thailand-1 endpoint is unknown there.
      fails(['s3', 'ls', `s3://${BUCKET}/`], 'InvalidAccessKeyId', {
        key: tenants.keys.mainFinland,
        endpoint: tenants.keys.main.endpoint,
      }),
    ]);
    expect(wrong.stdout).toBe('');
  });

  it('s3api put-bucket-cors from a file, get-bucket-cors, delete-bucket-cors', async () => {
    await fails(['s3api', 'get-bucket-cors', '--bucket', BUCKET], 'NoSuchCORSConfiguration');
    const rules = {
      CORSRules: [
        {
          AllowedOrigins: ['https://app.example.com', 'http://*.example.org'],
          AllowedMethods: ['GET', 'PUT'],
          AllowedHeaders: ['Content-Type', 'x-amz-*'],
          ExposeHeaders: ['ETag', 'x-amz-request-id'],
          MaxAgeSeconds: 600,
        },
      ],
    };
    fs.writeFileSync(local('cors.json'), JSON.stringify(rules));
    expect(await ok(['s3api', 'put-bucket-cors', '--bucket', BUCKET, '--cors-configuration', 'file://cors.json'])).toBe(
      '',
    );
    expect(await okJson(['s3api', 'get-bucket-cors', '--bucket', BUCKET])).toEqual(rules);

    fs.writeFileSync(
      local('bad-cors.json'),
      JSON.stringify({ CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['OPTIONS'] }] }),
    );
    const bad = await fails(
      ['s3api', 'put-bucket-cors', '--bucket', BUCKET, '--cors-configuration', 'file://bad-cors.json'],
      'InvalidRequest',
    );
    expect(bad.stderr).toContain('Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS');

    expect(await ok(['s3api', 'delete-bucket-cors', '--bucket', BUCKET])).toBe('');
    await fails(['s3api', 'get-bucket-cors', '--bucket', BUCKET], 'NoSuchCORSConfiguration');
  });

  it('s3 rm, s3api delete-object and delete-bucket (only once empty)', async () => {
    expect(await ok(['s3', 'rm', `s3://${BUCKET}/small.txt`])).toContain(`delete: s3://${BUCKET}/small.txt`);
    const [, deletedAgain] = await Promise.all([
      fails(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'small.txt'], '404'),
      // DeleteObject of a missing key succeeds, as on AWS.
      ok(['s3api', 'delete-object', '--bucket', BUCKET, '--key', 'small.txt']),
      fails(['s3api', 'delete-bucket', '--bucket', BUCKET], 'BucketNotEmpty'),
    ]);
    expect(deletedAgain).toBe('');

    await ok(['s3', 'rm', '--recursive', `s3://${BUCKET}/`]);
    expect(await ok(['s3api', 'delete-bucket', '--bucket', BUCKET])).toBe('');
    await fails(['s3api', 'head-bucket', '--bucket', BUCKET], '404');
  });
});
