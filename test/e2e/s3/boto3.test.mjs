// End-to-end: boto3 (python3) against a real server started as `npm start` does. The client code is
// boto3_client.py beside this file: it runs a scenario, checks as it goes, prints what it saw as JSON and exits
// non-zero at the first failed check; this file checks that JSON too. Each run gets a clean HOME and empty AWS
// config/credentials files.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'boto3_client.py');
const PYTHON = resolveProgram('python3');

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
});

/** Runs a scenario of boto3_client.py; returns its JSON, after checking it exited 0. */
async function boto3(scenario, bucket, { region = 'us-east-1' } = {}) {
  const { main, other, mainFinland } = tenants.keys;
  const config = { endpoint: main.endpoint, bucket, keys: { main, other, finland: mainFinland } };
  // Credentials go to the client in code; the environment has none (and, with region null, no region either).
  const env = awsEnv(home, null, { region });
  const r = await run(PYTHON, [SCRIPT, scenario], { env, input: JSON.stringify(config) });
  expect(r.code, describeRun(r)).toBe(0);
  return JSON.parse(r.stdout);
}

describe('boto3', () => {
  it('runs every operation ROS offers, with its errors', async () => {
    const out = await boto3('full', 'boto3-bucket');

    expect(out.range).toEqual({ ContentRange: 'bytes 10-19/1048583', ContentLength: 10 });
    expect(out.delimiter).toEqual({ CommonPrefixes: ['data/', 'greetings/', 'many/'], Contents: [], KeyCount: 3 });
    expect(out.pages).toEqual([10, 10, 5]);

    // botocore's default presigned URL is SigV2 (see sigv2.test.mjs), which ROS verifies as AWS does.
    expect(out.presign_default).toEqual({ sigv2: true, status: 200, body_ok: true });
    expect(out.presign_tampered).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });

    expect(out.create_again).toBe(200);
    expect(out.errors).toEqual({
      no_such_key: ['NoSuchKey', 404],
      head_missing: ['404', 404], // HEAD: no body, botocore names the error by status
      no_such_bucket: ['NoSuchBucket', 404],
      invalid_bucket_name: ['InvalidBucketName', 400],
      wrong_secret: ['SignatureDoesNotMatch', 403],
      other_project_get: ['AccessDenied', 403],
      other_project_put: ['AccessDenied', 403],
      other_project_create: ['BucketAlreadyExists', 409],
      other_site: ['InvalidAccessKeyId', 403],
      delete_not_empty: ['BucketNotEmpty', 409],
      head_deleted_bucket: ['404', 404],
    });
    expect(out.deleted).toBe(28);

    // What botocore sent: path style (the endpoint is an IP), SigV4 over a signed payload with a CRC32 header.
    const put = out.sent.PutObject;
    expect(put.url).toMatch(new RegExp(`^${tenants.keys.main.endpoint}/boto3-bucket/`));
    expect(put.headers['X-Amz-Content-SHA256']).toMatch(/^[0-9a-f]{64}$/);
    expect(put.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(put.headers['Content-Encoding']).toBeUndefined();
    expect(put.headers['credential-scope']).toBe(
      `${put.headers['credential-scope'].split('/')[0]}/us-east-1/s3/aws4_request`,
    );
  });

  it("sets, reads and deletes bucket CORS rules; a browser's preflight and upload then get their headers", async () => {
    const out = await boto3('cors', 'boto3-cors');
    expect(out.cors_rules).toEqual([
      {
        ID: 'web app',
        AllowedHeaders: ['*'],
        AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
        AllowedOrigins: ['https://app.example.com'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 3000,
      },
      { AllowedMethods: ['GET'], AllowedOrigins: ['*'] },
    ]);
    expect(out.preflight).toEqual({
      status: 200,
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, PUT, POST, HEAD',
      'access-control-allow-headers': 'content-type, x-amz-date',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '3000',
      'access-control-allow-credentials': 'true',
    });
    expect(out.actual).toEqual({ status: 200, allow_origin: 'https://app.example.com', expose: 'ETag' });
    expect(out.delete_status).toBe(204);
    expect(out.errors).toEqual({
      cors_none: ['NoSuchCORSConfiguration', 404],
      cors_patch: ['InvalidRequest', 400],
      cors_empty: ['MalformedXML', 400],
      cors_deleted: ['NoSuchCORSConfiguration', 404],
    });
    // botocore sends the document with a checksum (PutBucketCors requires one): a CRC32 header, by default.
    expect(out.sent.PutBucketCors.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
  });

  it('get_object_attributes, list_object_versions, and emptying a bucket by walking its versions', async () => {
    const out = await boto3('versions', 'boto3-versions');
    expect(out.create_again).toBe(200);
    expect(out.simple).toEqual({
      Checksum: { ChecksumType: 'FULL_OBJECT' },
      ObjectParts: null,
      StorageClass: 'STANDARD',
      ObjectSize: 18,
      LastModified: 'datetime',
    });
    expect(out.multipart).toEqual({
      Checksum: { ChecksumCRC32: '-2', ChecksumType: 'COMPOSITE' },
      ObjectParts: { TotalPartsCount: 2 },
      StorageClass: 'STANDARD',
      ObjectSize: 5 * 1024 * 1024 + 1000,
    });
    // botocore decodes the url-encoded keys it asked for (a space comes as %20, a plus as %2B).
    expect(out.versions_listed).toEqual(['a b/c+d.txt', 'a b/e.txt', 'f', 'g/h', 'i', 'multi.bin', 'simple.txt']);
    expect(out.version_pages).toEqual([2, 2, 2, 1]);
    expect(out.versions_grouped).toEqual(['a b/']);
    expect(out.version_delete).toEqual(['a b/c+d.txt', 'a b/e.txt', 'f', 'g/h', 'i', 'multi.bin', 'simple.txt']);
    expect(out.version_delete_ids).toEqual(['null']);
    expect(out.errors).toEqual({
      attributes_missing: ['NoSuchKey', 404],
      bad_version: ['InvalidArgument', 400],
    });
  });

  it('works with no region configured at all', async () => {
    const out = await boto3('no-region', 'boto3-no-region', { region: null });
    // botocore falls back to us-east-1 for S3 with an endpoint_url.
    expect(out.region_name).toBe('us-east-1');
    expect(out.location).toBeNull();
    expect(out.sent.PutObject.headers['credential-scope']).toMatch(/\/us-east-1\/s3\/aws4_request$/);
  });

  it('uploads browser forms from generate_presigned_post, signed SigV2 by default and SigV4 with s3v4', async () => {
    const out = await boto3('post', 'boto3-post');
    // With an endpoint_url, botocore signs presigned POSTs the old way (AWSAccessKeyId, base64 HMAC-SHA1 signature)
    // unless the client is told signature_version="s3v4".
    expect(out.post.default.fields).toEqual([
      'AWSAccessKeyId',
      'Content-Type',
      'key',
      'policy',
      'signature',
      'x-amz-meta-via',
    ]);
    expect(out.post.s3v4.fields).toEqual([
      'Content-Type',
      'key',
      'policy',
      'x-amz-algorithm',
      'x-amz-credential',
      'x-amz-date',
      'x-amz-meta-via',
      'x-amz-signature',
    ]);
    for (const form of [out.post.default, out.post.s3v4]) {
      expect(form.url).toBe(`${tenants.keys.main.endpoint}/boto3-post`);
      expect(form.too_large).toEqual([400, 'EntityTooLarge']);
      expect(form.wrong_prefix).toEqual([403, 'AccessDenied']);
      expect(form.wrong_type).toEqual([403, 'AccessDenied']);
    }
  });
});
