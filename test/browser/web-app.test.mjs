// A web app on another origin, in a real browser (Debian's Chromium), using a bucket the way web apps do: its server
// hands out presigned URLs and a POST policy, and the page uploads with fetch, reads the ETag, downloads, and uploads
// with a form POST — straight to the S3 endpoint. The bucket's CORS rules allow one origin; the same page served from
// another origin is refused by the browser. Two tiny servers on loopback play the two web apps.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Api, launchBrowser, newPage, shot, startServer, webApp } from './support.mjs';

const BUCKET = 'web-app-uploads';
let ros;
let browser;
let s3;
/** The two web apps: `allowed` is in the bucket's CORS rules, `other` is not. */
const apps = { allowed: { origin: '', server: null }, other: { origin: '', server: null } };

before(async () => {
  [ros, browser, apps.allowed, apps.other] = await Promise.all([
    startServer(),
    launchBrowser(),
    webApp('The allowed web app'),
    webApp('Another site'),
  ]);
  const admin = await Api.login(ros.consoleUrl, ros.admin.email, ros.admin.password);
  const project = await admin.createProject('web-app');
  const key = await admin.createKey(project.id, 'thailand-1');
  await admin.createBucket(project.id, 'thailand-1', BUCKET);
  // The app's owner allows it with the console's preset (here through the same API the console calls).
  await admin.api('PUT', `/projects/${project.id}/buckets/thailand-1/${BUCKET}/cors`, {
    rules: [
      {
        allowedOrigins: [apps.allowed.origin],
        allowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
        allowedHeaders: ['*'],
        exposeHeaders: ['ETag'],
        maxAgeSeconds: 3000,
      },
    ],
  });
  s3 = new S3Client({
    endpoint: key.endpoint,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: 'us-east-1',
    forcePathStyle: true,
    // A presigned PUT carries no checksum of a body it has not seen.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});

after(async () => {
  await browser?.close();
  await ros?.stopAll();
  for (const app of Object.values(apps)) app.server?.close();
});

/** What the app's server hands its page: presigned PUT and GET URLs and a POST policy for one upload each. */
async function grants(name) {
  const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: `${name}/fetched.json` }), {
    expiresIn: 300,
  });
  const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: `${name}/fetched.json` }), {
    expiresIn: 300,
  });
  const post = await createPresignedPost(s3, {
    Bucket: BUCKET,
    Key: `${name}/\${filename}`,
    Conditions: [
      ['content-length-range', 1, 1024 * 1024],
      ['starts-with', '$Content-Type', 'text/'],
    ],
    Fields: { success_action_status: '201', 'Content-Type': 'text/plain' },
    Expires: 300,
  });
  return { put, get, post };
}

/** The page's own script: upload with fetch, read the ETag, download, then a form POST; what happened at each step. */
function runInPage(page, urls) {
  return page.evaluate(async ({ put, get, post }) => {
    const step = async (fn) => {
      try {
        return await fn();
      } catch (err) {
        return { error: String(err) };
      }
    };
    const uploaded = await step(async () => {
      const res = await fetch(put, {
        method: 'PUT',
        body: JSON.stringify({ from: location.origin }),
        headers: { 'Content-Type': 'application/json' },
      });
      return { status: res.status, etag: res.headers.get('ETag') };
    });
    const downloaded = await step(async () => {
      const res = await fetch(get);
      return { status: res.status, body: await res.text() };
    });
    const posted = await step(async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append('file', new File(['hello from a form'], 'note.txt', { type: 'text/plain' }));
      const res = await fetch(post.url, { method: 'POST', body: form });
      const xml = await res.text();
      return { status: res.status, key: /<Key>([^<]*)<\/Key>/.exec(xml)?.[1], etag: res.headers.get('ETag') };
    });
    return { uploaded, downloaded, posted };
  }, urls);
}

test('a web app on an allowed origin uploads, downloads and posts a form straight to the bucket', async () => {
  const page = await newPage(browser, apps.allowed.origin);
  await page.goto(apps.allowed.origin);
  const seen = await runInPage(page, await grants('allowed'));
  assert.equal(seen.uploaded.status, 200);
  assert.match(seen.uploaded.etag ?? '', /^"[0-9a-f]{32}"$/); // readable: the rule exposes ETag
  assert.deepEqual(seen.downloaded, { status: 200, body: JSON.stringify({ from: apps.allowed.origin }) });
  assert.equal(seen.posted.status, 201);
  assert.equal(seen.posted.key, 'allowed/note.txt');
  assert.match(seen.posted.etag ?? '', /^"[0-9a-f]{32}"$/);
  const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'allowed/note.txt' }));
  assert.equal(await stored.Body.transformToString(), 'hello from a form');
  assert.equal(stored.ContentType, 'text/plain');
  await page.evaluate((s) => {
    document.body.insertAdjacentHTML('beforeend', `<pre>${JSON.stringify(s, null, 2)}</pre>`);
  }, seen);
  await shot(page, '40-web-app-allowed', { fullPage: false });
  await page.context().close();
});

test('the same page on an origin the rules do not name reads nothing, and its preflighted upload never lands', async () => {
  const page = await newPage(browser, apps.other.origin);
  await page.goto(apps.other.origin);
  const seen = await runInPage(page, await grants('other'));
  assert.deepEqual(seen, {
    uploaded: { error: 'TypeError: Failed to fetch' },
    downloaded: { error: 'TypeError: Failed to fetch' },
    posted: { error: 'TypeError: Failed to fetch' },
  });
  // The preflight refused the PUT, so no request was sent; the form POST is a "simple" request the browser sends
  // and then hides the answer from the page — S3 (and ROS) store it. Only the fetch-with-preflight is kept out.
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'other/fetched.json' })), {
    name: 'NoSuchKey',
  });
  await page.close();
});
