// End-to-end: browser form uploads (POST Object) as real clients make them, against a real server started as
// `npm start` does. The form comes from the AWS SDK for JavaScript's createPresignedPost (SigV4) and goes out as a
// browser would send it: Node's own fetch with a FormData, the file last. boto3's generate_presigned_post, in both
// of its signature forms, is in boto3.test.mjs.
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTenants, startFreshRos } from '../support/ros-api.mjs';

// The SDK warns once that releases after January 2027 need Node 22 (package.json allows 20.3+); known, so quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {S3Client} */
let client;
/** @type {string} */
let endpoint;
const BUCKET = 'browser-uploads';

beforeAll(async () => {
  ros = await startFreshRos();
  const { keys } = await setupTenants(ros);
  endpoint = keys.main.endpoint;
  client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: keys.main.accessKeyId, secretAccessKey: keys.main.secretAccessKey },
    maxAttempts: 1,
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  await ros?.stopAll();
});

const md5 = (data) => createHash('md5').update(data).digest('hex');
const xmlText = (xml, element) => xml.match(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`))?.[1] ?? null;

/** What a browser sends for this form: the fields in order, then the file. */
function upload({ url, fields }, file, filename = 'notes.txt', overrides = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...fields, ...overrides })) form.append(name, value);
  form.append('file', new Blob([file]), filename);
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}

describe('@aws-sdk/s3-presigned-post createPresignedPost + fetch(FormData)', () => {
  /** @type {Awaited<ReturnType<typeof createPresignedPost>>} */
  let post;

  beforeAll(async () => {
    post = await createPresignedPost(client, {
      Bucket: BUCKET,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own variable, written just so in forms.
      Key: 'uploads/${filename}',
      Conditions: [
        ['content-length-range', 1, 1024 * 1024],
        ['starts-with', '$Content-Type', 'text/'],
      ],
      Fields: { 'Content-Type': 'text/plain; charset=utf-8', 'x-amz-meta-origin': 'browser form' },
      Expires: 600,
    });
  });

  it('signs with SigV4 for the path-style bucket URL; the form also carries a bucket field', () => {
    expect(post.url).toBe(`${endpoint}/${BUCKET}`);
    expect(Object.keys(post.fields)).toEqual([
      'Content-Type',
      'x-amz-meta-origin',
      'bucket',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'key',
      'Policy',
      'X-Amz-Signature',
    ]);
    const policy = JSON.parse(Buffer.from(post.fields.Policy, 'base64').toString());
    expect(policy.conditions).toContainEqual({ bucket: BUCKET });
    expect(policy.conditions).toContainEqual(['starts-with', '$key', 'uploads/']);
  });

  it('uploads a file that reads back byte for byte, with its Content-Type and metadata', async () => {
    const text = 'Written in a browser form — สวัสดี\n';
    const res = await upload(post, text);
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get('etag')).toBe(`"${md5(text)}"`);
    expect(res.headers.get('location')).toBe(`${post.url}/uploads%2Fnotes.txt`);

    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/notes.txt' }));
    expect(await got.Body.transformToString()).toBe(text);
    expect(got.ContentType).toBe('text/plain; charset=utf-8');
    expect(got.Metadata).toEqual({ origin: 'browser form' });
  });

  it('answers 201 with the PostResponse document when the form asks for it', async () => {
    const form = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'binary.bin',
      Fields: { success_action_status: '201' },
    });
    const data = randomBytes(300_000);
    const res = await upload(form, data, 'binary.bin');
    const xml = await res.text();
    expect(res.status, xml).toBe(201);
    expect(xmlText(xml, 'Key')).toBe('binary.bin');
    expect(xmlText(xml, 'ETag')).toBe(`&quot;${md5(data)}&quot;`);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'binary.bin' }));
    expect(Buffer.from(await got.Body.transformToByteArray()).equals(data)).toBe(true);
  });

  it('enforces the policy: a file over content-length-range, a key outside the prefix, another Content-Type', async () => {
    const large = await upload(post, randomBytes(1024 * 1024 + 1));
    const largeXml = await large.text();
    expect([large.status, xmlText(largeXml, 'Code')]).toEqual([400, 'EntityTooLarge']);
    expect(xmlText(largeXml, 'MaxSizeAllowed')).toBe('1048576');

    const elsewhere = await upload(post, 'x', 'x.txt', { key: 'elsewhere/x.txt' });
    const elsewhereXml = await elsewhere.text();
    expect([elsewhere.status, xmlText(elsewhereXml, 'Code')]).toEqual([403, 'AccessDenied']);
    expect(xmlText(elsewhereXml, 'Message')).toBe(
      'Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;, &quot;uploads/&quot;]',
    );

    const html = await upload(post, '<p>', 'x.html', { 'Content-Type': 'text/html' });
    expect(html.status).toBe(403);

    const tampered = await upload(post, 'x', 'x.txt', { 'x-amz-meta-origin': 'someone else' });
    expect([tampered.status, xmlText(await tampered.text(), 'Code')]).toEqual([403, 'AccessDenied']);
  });
});
