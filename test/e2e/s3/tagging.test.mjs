// End-to-end: object and bucket tagging with real clients and their default settings — the machine's `aws` CLI,
// boto3 (tagging_boto3.py beside this file: put_object Tagging, upload_file ExtraArgs multipart, copy_object
// TaggingDirective) and @aws-sdk/client-s3 — against a real server started as `npm start` does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  CreateBucketCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
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
import { s3Error } from '../support/sdk.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tagging_boto3.py');
const PYTHON = resolveProgram('python3');
const AWS = resolveProgram('aws');

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let work;

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-tagging-'));
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** @param {string[]} args */
const aws = (args) =>
  run(AWS, ['--endpoint-url', tenants.keys.main.endpoint, ...args], {
    env: awsEnv(home, tenants.keys.main),
    cwd: work,
  });
/** @param {string[]} args */
const awsJson = async (args) => {
  const r = await aws(args);
  expect(r.code, describeRun(r)).toBe(0);
  return r.stdout.trim() ? JSON.parse(r.stdout) : null;
};

describe('tagging with real clients', () => {
  it('aws s3api: put-object --tagging, put/get/delete-object-tagging, get-object TagCount, bucket tagging', async () => {
    const b = 'cli-tagging';
    await awsJson(['s3api', 'create-bucket', '--bucket', b]);
    fs.writeFileSync(path.join(work, 'a.txt'), 'hello');
    await awsJson([
      's3api',
      'put-object',
      '--bucket',
      b,
      '--key',
      'a.txt',
      '--body',
      'a.txt',
      '--tagging',
      'team=ops&stage=raw',
    ]);
    expect(await awsJson(['s3api', 'get-object-tagging', '--bucket', b, '--key', 'a.txt'])).toEqual({
      TagSet: [
        { Key: 'team', Value: 'ops' },
        { Key: 'stage', Value: 'raw' },
      ],
    });
    await awsJson([
      's3api',
      'put-object-tagging',
      '--bucket',
      b,
      '--key',
      'a.txt',
      '--tagging',
      '{"TagSet": [{"Key": "reviewed", "Value": "yes"}]}',
    ]);
    expect((await awsJson(['s3api', 'get-object-tagging', '--bucket', b, '--key', 'a.txt'])).TagSet).toEqual([
      { Key: 'reviewed', Value: 'yes' },
    ]);
    const got = await awsJson(['s3api', 'get-object', '--bucket', b, '--key', 'a.txt', 'out.txt']);
    expect(got.TagCount).toBe(1);
    await awsJson(['s3api', 'delete-object-tagging', '--bucket', b, '--key', 'a.txt']);
    expect(await awsJson(['s3api', 'get-object-tagging', '--bucket', b, '--key', 'a.txt'])).toEqual({ TagSet: [] });

    const refused = await aws([
      's3api',
      'put-object-tagging',
      '--bucket',
      b,
      '--key',
      'a.txt',
      '--tagging',
      'TagSet=[{Key=aws:cost,Value=1}]',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidTag');

    const none = await aws(['s3api', 'get-bucket-tagging', '--bucket', b]);
    expect([none.code === 0, none.stderr]).toEqual([false, expect.stringContaining('NoSuchTagSet')]);
    await awsJson(['s3api', 'put-bucket-tagging', '--bucket', b, '--tagging', 'TagSet=[{Key=owner,Value=data team}]']);
    expect(await awsJson(['s3api', 'get-bucket-tagging', '--bucket', b])).toEqual({
      TagSet: [{ Key: 'owner', Value: 'data team' }],
    });
    await awsJson(['s3api', 'delete-bucket-tagging', '--bucket', b]);
    expect((await aws(['s3api', 'get-bucket-tagging', '--bucket', b])).stderr).toContain('NoSuchTagSet');
  }, 300_000); // a dozen runs of the aws CLI, each a second or more on a busy machine

  it('boto3: put_object(Tagging=...), upload_file(ExtraArgs={"Tagging": ...}) multipart, copy_object, limits', async () => {
    const config = { endpoint: tenants.keys.main.endpoint, bucket: 'boto3-tagging', key: tenants.keys.main, work };
    const r = await run(PYTHON, [SCRIPT], { env: awsEnv(home, null), input: JSON.stringify(config), timeout: 120_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.put_object).toEqual([
      ['team', 'ops'],
      ['note', 'two words'],
      ['empty', ''],
    ]);
    expect(out.get_object_tag_count).toBe(3);
    expect(out.upload_file_etag_is_multipart).toBe(true);
    expect(out.upload_file).toEqual([
      ['kind', 'big'],
      ['parts', 'many'],
    ]);
    expect(out.copy_default).toEqual(out.put_object);
    expect(out.copy_replace).toEqual([['fresh', '1']]);
    expect(out.put_object_tagging).toEqual([['only', 'this']]);
    expect(out.eleven).toEqual([400, 'BadRequest']);
    expect(out.duplicate).toEqual([400, 'InvalidTag']);
    expect(out.after_refusals).toEqual([['only', 'this']]);
    expect(out.deleted).toEqual([]);
    expect(out.get_object_tag_count_after).toBeNull();
    expect(out.no_bucket_tags).toEqual([404, 'NoSuchTagSet']);
    expect(out.bucket_tags).toEqual([['owner', 'data team']]);
    expect(out.bucket_tags_deleted).toEqual([404, 'NoSuchTagSet']);
  });

  it('@aws-sdk/client-s3: PutObject Tagging, TagCount, Put/Get/DeleteObjectTagging, bucket tagging', async () => {
    const key = tenants.keys.main;
    const client = new S3Client({
      endpoint: key.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      maxAttempts: 1,
    });
    const Bucket = 'sdk-tagging';
    await client.send(new CreateBucketCommand({ Bucket }));
    await client.send(new PutObjectCommand({ Bucket, Key: 'x.txt', Body: 'x', Tagging: 'a=1&b=%C3%BC' }));
    expect((await client.send(new GetObjectTaggingCommand({ Bucket, Key: 'x.txt' }))).TagSet).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: 'ü' },
    ]);
    const got = await client.send(new GetObjectCommand({ Bucket, Key: 'x.txt' }));
    expect(got.TagCount).toBe(2);
    await got.Body?.transformToString();
    const head = await client.send(new HeadObjectCommand({ Bucket, Key: 'x.txt' }));
    expect(head.$metadata.httpStatusCode).toBe(200);

    await client.send(
      new PutObjectTaggingCommand({ Bucket, Key: 'x.txt', Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } }),
    );
    expect((await client.send(new GetObjectTaggingCommand({ Bucket, Key: 'x.txt' }))).TagSet).toEqual([
      { Key: 'c', Value: '3' },
    ]);
    const tooLong = await s3Error(
      client.send(
        new PutObjectTaggingCommand({
          Bucket,
          Key: 'x.txt',
          Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: '' }] },
        }),
      ),
    );
    expect([tooLong.$metadata.httpStatusCode, tooLong.name]).toEqual([400, 'InvalidTag']);
    await client.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'x.txt' }));
    expect((await client.send(new GetObjectTaggingCommand({ Bucket, Key: 'x.txt' }))).TagSet).toEqual([]);

    const missing = await s3Error(client.send(new GetBucketTaggingCommand({ Bucket })));
    expect([missing.$metadata.httpStatusCode, missing.name]).toEqual([404, 'NoSuchTagSet']);
    await client.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'env', Value: 'test' }] } }));
    expect((await client.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual([
      { Key: 'env', Value: 'test' },
    ]);
  });
});
