// The console in a real browser, through the seed's walkthrough (shared/seed/ros-getting-started.md), word for
// word: sign in → project → Object Storage ⇢ Access Keys → Add Own Key → the pane → an S3 client with those
// credentials → Object Storage ⇢ Buckets → Add Bucket → the bucket's page and its endpoint URL → objects at the
// bottom → the trash icon → the three vertical dots → Delete; between them, CORS rules set in the console and a
// real cross-origin upload from a page. Plus: the key-per-site rule, admin pages refused to members, and a 20 MiB
// browser upload that goes multipart. Screenshots of each step, light and dark.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Api, launchBrowser, newPage, shot, startServer, webApp } from './support.mjs';

const ALICE = { email: 'alice@example.com', password: 'alice-password-1', name: 'Alice Example' };
const BOB = { email: 'bob@example.com', password: 'bob-password-1', name: 'Bob Member' };
const PROJECT = 'ridge-demo';

let ros;
let browser;
let admin;
let tmp;
/** What the walkthrough learns and later tests use. */
const world = { projectId: '', key: { id: '', secret: '', endpoint: '' } };

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-browser-files-'));
  [ros, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await Api.login(ros.consoleUrl, ros.admin.email, ros.admin.password);
  await admin.api('POST', '/users', ALICE);
  await admin.api('POST', '/users', BOB);
});

after(async () => {
  await browser?.close();
  await ros?.stopAll();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** The S3 client a user configures with the pane's three values. */
function s3For({ id, secret, endpoint }) {
  return new S3Client({
    endpoint,
    credentials: { accessKeyId: id, secretAccessKey: secret },
    region: 'us-east-1',
    forcePathStyle: true,
    // Default settings, as a user would have them (CRC32 checksums on uploads).
  });
}

async function signIn(page, who) {
  await page.goto(ros.consoleUrl);
  await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Clicks a copy button and answers what landed on the clipboard. */
async function copyFrom(page, buttonName) {
  await page.getByRole('button', { name: buttonName }).click();
  await page.getByRole('button', { name: buttonName }).filter({ hasText: 'Copied' }).waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** The value of one of the bucket's details ("Objects", "Size", ...). */
const detail = (page, name) =>
  page
    .getByRole('region', { name: 'Details' })
    .locator('.detail')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) })
    .locator('dd');

const objectRow = (page, key) =>
  page.getByRole('row').filter({ has: page.getByRole('button', { name: `Delete ${key}`, exact: true }) });

test('the seed walkthrough, word for word', async (t) => {
  const page = await newPage(browser, ros.consoleUrl);

  await t.test('sign in', async () => {
    await page.goto(ros.consoleUrl);
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await shot(page, '01-sign-in');
    // A wrong password is said in words.
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That email and password do not match an account.' }).waitFor();
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  });

  await t.test('create and select the project', async () => {
    await page.getByText('You are not in any project yet').waitFor();
    await shot(page, '02-projects-empty');
    await page.getByLabel('Project name').fill(PROJECT);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Access Keys', level: 1 }).waitFor();
    world.projectId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    assert.equal(await page.getByLabel('Project').locator('option:checked').textContent(), PROJECT);
  });

  await t.test('Object Storage ⇢ Access Keys: My Keys and App Keys', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByText('Object Storage').waitFor();
    await nav.getByRole('link', { name: 'Access Keys' }).click();
    await page.getByRole('tab', { name: 'My Keys', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'App Keys' }).waitFor();
    await page.getByText('You have no access keys in this project yet').waitFor();
    await shot(page, '03-access-keys');
  });

  await t.test('Add Own Key: the ROS site by name and a meaningful name', async () => {
    await page.getByRole('button', { name: 'Add Own Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Own Key' });
    await dialog.waitFor();
    // Submitting empty says what is missing.
    await dialog.getByRole('button', { name: 'Add Key' }).click();
    await dialog.getByText('Select the ROS site that you wish to access.').waitFor();
    await dialog.getByLabel('ROS site').selectOption({ label: 'Si Racha, Thailand' });
    await dialog.getByLabel('Name').fill('my-first-storage-key');
    await shot(page, '04-add-own-key');
  });

  await t.test('Add Key → the pane with the Access key ID and Secret access key, copied', async () => {
    await page.getByRole('button', { name: 'Add Key' }).click();
    const pane = page.getByRole('dialog', { name: 'Your new access key' });
    await pane.getByText('This is the only time the secret access key is shown.').waitFor();
    await pane.getByText('Access key ID', { exact: true }).waitFor();
    await pane.getByText('Secret access key', { exact: true }).waitFor();
    world.key.id = await copyFrom(page, 'Copy access key ID');
    world.key.secret = await copyFrom(page, 'Copy secret access key');
    world.key.endpoint = await copyFrom(page, 'Copy endpoint URL');
    assert.match(world.key.id, /^[A-Z0-9]{20}$/);
    assert.equal(world.key.secret.length, 40);
    assert.equal(world.key.endpoint, ros.sites.find((s) => s.id === 'thailand-1').endpoint);
    assert.equal(await pane.locator('#new-key-id').textContent(), world.key.id);
    // Ready-to-paste settings with this site's endpoint filled in.
    const snippet = pane.getByRole('tabpanel');
    assert.match(await snippet.textContent(), new RegExp(`aws_access_key_id = ${world.key.id}`));
    assert.match(await snippet.textContent(), new RegExp(`--endpoint-url ${world.key.endpoint.replace(/\./g, '\\.')}`));
    await shot(page, '05-key-pane');
    await pane.getByRole('tab', { name: 'boto3' }).click();
    assert.match(await snippet.textContent(), /endpoint_url="http:\/\/127\.0\.0\.2:\d+"/);
    await pane.getByRole('tab', { name: 'rclone' }).click();
    assert.match(await snippet.textContent(), /provider = Other/);
    await shot(page, '06-key-pane-rclone', { fullPage: false });
    await pane.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row').filter({ hasText: 'my-first-storage-key' });
    await row.getByText(world.key.id).waitFor();
    await row.getByText('Si Racha, Thailand').waitFor();
    await row.getByText('Never').waitFor();
    await shot(page, '07-my-keys');
  });

  await t.test('the copied credentials work in an S3 client: create a bucket, put an object', async () => {
    const s3 = s3For(world.key);
    await s3.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'sdk-bucket',
        Key: 'hello.txt',
        Body: 'hello from the aws sdk\n',
        ContentType: 'text/plain',
      }),
    );
    assert.match(put.ETag, /^"[0-9a-f]{32}"$/);
  });

  await t.test('Object Storage ⇢ Buckets lists the project’s buckets; hidden sites are named', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Buckets' }).click();
    await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'sdk-bucket' }).waitFor();
    await page.getByRole('link', { name: 'Add Own Key for Helsinki, Finland' }).waitFor();
    await shot(page, '08-buckets');
  });

  await t.test('Add Bucket: the site and a name, checked as typed', async () => {
    await page.getByRole('button', { name: 'Add Bucket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Bucket' });
    await dialog.getByLabel('Site').selectOption({ label: 'Si Racha, Thailand' });
    await dialog.getByLabel('Name').fill('Example_Bucket');
    await dialog
      .getByText('Bucket names may contain only lower-case letters, digits, dots (.) and hyphens (-)')
      .waitFor();
    assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await shot(page, '09-add-bucket-invalid');
    await dialog.getByLabel('Name').fill('example-bucket');
    await dialog
      .locator('.field-error:not(:empty)')
      .waitFor({ state: 'detached' })
      .catch(() => {});
    assert.equal(await dialog.locator('.field-error:not(:empty)').count(), 0);
    await shot(page, '10-add-bucket');
    await dialog.getByRole('button', { name: 'Add Bucket' }).click();
  });

  await t.test("the bucket's page: all details, including its endpoint URL", async () => {
    await page.getByRole('heading', { name: 'example-bucket', level: 1 }).waitFor();
    const details = page.getByRole('region', { name: 'Details' });
    const endpoint = ros.sites.find((s) => s.id === 'thailand-1').endpoint;
    await details.getByText(endpoint, { exact: true }).waitFor();
    await details.getByText('Si Racha, Thailand').waitFor();
    await page.getByText('This bucket is empty').waitFor();
    assert.equal(await copyFrom(page, 'Copy endpoint URL'), endpoint);
    await detail(page, 'Objects').filter({ hasText: /^0$/ }).waitFor();
    await detail(page, 'Size')
      .filter({ hasText: /^0 bytes$/ })
      .waitFor();
    await shot(page, '11-bucket-page');
  });

  await t.test(
    "CORS: a web app's page may upload straight to the bucket once the preset allows its origin",
    async () => {
      const cors = page.getByRole('region', { name: 'CORS' });
      await cors.getByText('No rules: browsers keep scripts on other sites from using this bucket.').waitFor();
      // The earlier steps' toasts would cover the rules in the screenshots.
      await page.waitForFunction(() => !document.querySelector('.toast'));
      // A web app's page on an origin of its own (127.0.0.1:port, not the S3 endpoint's 127.0.0.2). Not the console's
      // page: the console's Content-Security-Policy lets its scripts talk to the console alone.
      const app = await webApp('A web app');
      const appPage = await page.context().newPage();
      await appPage.goto(app.origin);
      const origin = app.origin;
      const presigner = new S3Client({
        endpoint: world.key.endpoint,
        credentials: { accessKeyId: world.key.id, secretAccessKey: world.key.secret },
        region: 'us-east-1',
        forcePathStyle: true,
        // A presigned PUT carries no checksum of a body it has not seen.
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      const url = await getSignedUrl(
        presigner,
        new PutObjectCommand({ Bucket: 'example-bucket', Key: 'from-the-page.json' }),
        {
          expiresIn: 300,
        },
      );
      /** A browser upload with a non-simple header, so the browser asks with a preflight first. */
      const uploadFromPage = () =>
        appPage.evaluate(async (target) => {
          try {
            const res = await fetch(target, {
              method: 'PUT',
              body: '{"from":"page"}',
              headers: { 'Content-Type': 'application/json' },
            });
            return { status: res.status, etag: res.headers.get('ETag') };
          } catch (err) {
            return { error: String(err) };
          }
        }, url);
      assert.deepEqual(await uploadFromPage(), { error: 'TypeError: Failed to fetch' });

      await cors.getByRole('button', { name: 'Allow uploads from my web app' }).click();
      const preset = page.getByRole('dialog', { name: 'Allow uploads from my web app' });
      await preset.getByLabel('Your web app’s origin').fill(`${origin}/path`);
      await preset.getByRole('button', { name: 'Allow uploads' }).click();
      await preset.getByText('Give an origin such as https://app.example.com (no path).').waitFor();
      await preset.getByLabel('Your web app’s origin').fill(origin);
      await shot(page, '11a-cors-preset');
      await preset.getByRole('button', { name: 'Allow uploads' }).click();
      await preset.waitFor({ state: 'detached' });
      const row = cors.getByRole('row').filter({ hasText: origin });
      await row.getByText('GET, PUT, POST, HEAD').waitFor();
      await row.getByText('3000 s').waitFor();
      await shot(page, '11b-cors-rules');

      const uploaded = await uploadFromPage();
      assert.equal(uploaded.status, 200);
      assert.match(uploaded.etag ?? '', /^"[0-9a-f]{32}"$/); // readable: the rule exposes ETag
      await s3For(world.key).send(new DeleteObjectCommand({ Bucket: 'example-bucket', Key: 'from-the-page.json' }));
      await appPage.close();
      app.server.close();
    },
  );

  await t.test('CORS: edit the rules as a form or as JSON; refusals come with S3’s reason; remove all', async () => {
    const cors = page.getByRole('region', { name: 'CORS' });
    await cors.getByRole('button', { name: 'Edit rules' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit CORS rules' });
    await editor.getByRole('group', { name: 'Rule 1' }).waitFor();
    await editor.getByRole('button', { name: 'Add rule' }).click();
    const second = editor.getByRole('group', { name: 'Rule 2' });
    await second.getByLabel('Allowed origins').fill('*');
    await second.getByLabel('ID', { exact: true }).fill('public reads');
    await shot(page, '11c-cors-editor-form');

    await editor.getByRole('tab', { name: 'JSON' }).click();
    const json = editor.getByLabel('Rules as JSON');
    const rules = JSON.parse(await json.inputValue()).rules;
    assert.deepEqual(rules[1], {
      id: 'public reads',
      allowedOrigins: ['*'],
      allowedMethods: ['GET'],
      allowedHeaders: [],
      exposeHeaders: [],
    });
    rules[1].allowedMethods.push('PATCH');
    await json.fill(JSON.stringify({ rules }, null, 2));
    await editor.getByRole('button', { name: 'Save rules' }).click();
    await editor.getByText('Found unsupported HTTP method in CORS config. Unsupported method is PATCH').waitFor();
    await shot(page, '11d-cors-editor-json');
    rules[1].allowedMethods = ['GET', 'HEAD'];
    await json.fill(JSON.stringify({ rules }));
    await editor.getByRole('tab', { name: 'Form' }).click();
    assert.equal(
      await editor.getByRole('group', { name: 'Rule 2' }).getByRole('checkbox', { name: 'HEAD' }).isChecked(),
      true,
    );
    await editor.getByRole('button', { name: 'Save rules' }).click();
    await editor.waitFor({ state: 'detached' });
    await cors.getByRole('row').filter({ hasText: 'public reads' }).getByText('GET, HEAD').waitFor();
    assert.equal(await cors.getByRole('row').count(), 3);
    await shot(page, '11e-cors-two-rules');

    await cors.getByRole('button', { name: 'CORS actions' }).click();
    await page.getByRole('menuitem', { name: 'Remove all rules' }).click();
    await page
      .getByRole('dialog', { name: 'Remove all CORS rules?' })
      .getByRole('button', { name: 'Remove all' })
      .click();
    await cors.getByText('No rules: browsers keep scripts on other sites from using this bucket.').waitFor();
  });

  await t.test('upload a file in the browser: it appears at the bottom of the page', async () => {
    const file = path.join(tmp, 'hello-browser.txt');
    fs.writeFileSync(file, 'uploaded from the browser\n');
    await page.locator('#file-picker').setInputFiles(file);
    await objectRow(page, 'hello-browser.txt').waitFor();
    await objectRow(page, 'hello-browser.txt').getByText('26 bytes').waitFor();
    await detail(page, 'Objects').filter({ hasText: /^1$/ }).waitFor();
    await detail(page, 'Size')
      .filter({ hasText: /^26 bytes$/ })
      .waitFor();
    await shot(page, '12-object-uploaded');
  });

  await t.test("tags: the bucket's Tags card and an object's tag editor, with S3's refusals shown", async () => {
    const card = page.getByRole('region', { name: 'Tags' });
    await card.getByText('No tags.').waitFor();
    await card.getByRole('button', { name: 'Add tags' }).click();
    const bucketEditor = page.getByRole('dialog', { name: /^Tags of / });
    await bucketEditor.getByRole('textbox', { name: 'Key of tag 1' }).fill('team');
    await bucketEditor.getByRole('textbox', { name: 'Value of tag 1' }).fill('data ops');
    await bucketEditor.getByRole('button', { name: 'Save tags' }).click();
    await card.getByRole('row').filter({ hasText: 'data ops' }).waitFor();

    await objectRow(page, 'hello-browser.txt').getByRole('button', { name: 'Tags of hello-browser.txt' }).click();
    const editor = page.getByRole('dialog', { name: 'Tags of hello-browser.txt' });
    await editor.getByText('Keys are 1–128 characters').waitFor();
    await editor.getByRole('textbox', { name: 'Key of tag 1' }).fill('a,b');
    await editor.getByRole('button', { name: 'Save tags' }).click();
    await editor.getByText('The TagKey you have provided is invalid').waitFor();
    await editor.getByRole('textbox', { name: 'Key of tag 1' }).fill('stage');
    await editor.getByRole('textbox', { name: 'Value of tag 1' }).fill('draft');
    await editor.getByRole('button', { name: 'Add tag' }).click();
    await editor.getByRole('textbox', { name: 'Key of tag 2' }).fill('reviewed');
    await shot(page, '12b-object-tags');
    await editor.getByRole('button', { name: 'Save tags' }).click();
    await page.getByText('Saved 2 tags on hello-browser.txt').first().waitFor();
    await objectRow(page, 'hello-browser.txt').getByRole('button', { name: 'Tags of hello-browser.txt' }).click();
    const again = page.getByRole('dialog', { name: 'Tags of hello-browser.txt' });
    assert.equal(await again.getByRole('textbox', { name: 'Value of tag 1' }).inputValue(), 'draft');
    assert.equal(await again.getByRole('textbox', { name: 'Key of tag 2' }).inputValue(), 'reviewed');
    await again.getByRole('button', { name: 'Cancel' }).click();
  });

  await t.test('the trash icon on the far right deletes the object after confirmation', async () => {
    const row = objectRow(page, 'hello-browser.txt');
    const trash = row.getByRole('button', { name: 'Delete hello-browser.txt' });
    // The trash icon is the row's last control, on the far right.
    const last = row.locator('button, a').last();
    assert.equal(await last.getAttribute('aria-label'), 'Delete hello-browser.txt');
    await trash.click();
    const confirm = page.getByRole('dialog', { name: 'Delete object?' });
    await confirm.waitFor();
    await shot(page, '13-delete-object');
    await confirm.getByRole('button', { name: 'Delete object' }).click();
    await page.getByText('Deleted hello-browser.txt').first().waitFor();
    await page.getByText('This bucket is empty').waitFor();
  });

  await t.test('the three vertical dots ⇢ Delete removes the bucket', async () => {
    await page.getByRole('button', { name: 'Bucket actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).waitFor();
    await shot(page, '14-bucket-menu', { fullPage: false });
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete bucket example-bucket?' });
    await dialog.getByRole('button', { name: 'Delete bucket' }).click();
    await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
    await page.getByText('Bucket example-bucket deleted').first().waitFor();
    assert.equal(await page.getByRole('link', { name: 'example-bucket' }).count(), 0);
  });

  await t.test('a non-empty bucket is refused with the reason; "empty and delete" needs the name typed', async () => {
    await page.getByRole('link', { name: 'sdk-bucket' }).click();
    await objectRow(page, 'hello.txt').waitFor();
    await page.getByRole('button', { name: 'Bucket actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete bucket sdk-bucket?' })
      .getByRole('button', { name: 'Delete bucket' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Bucket sdk-bucket is not empty' });
    await dialog.getByText('ROS refused to delete the bucket: The bucket "sdk-bucket" is not empty').waitFor();
    await dialog.getByLabel('Type the bucket name, sdk-bucket, to confirm').fill('sdk-buckt');
    await dialog.getByRole('button', { name: 'Empty and delete' }).click();
    await dialog.getByText('Type “sdk-bucket” exactly to confirm.').waitFor();
    await shot(page, '15-empty-and-delete');
    await dialog.getByLabel('Type the bucket name, sdk-bucket, to confirm').fill('sdk-bucket');
    await dialog.getByRole('button', { name: 'Empty and delete' }).click();
    await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
    await page.getByText('No buckets at Si Racha, Thailand yet').waitFor();
    await shot(page, '16-buckets-empty');
  });
  await page.context().close();
});

test('a 20 MiB browser upload goes multipart, shows progress, and its bytes match; folders, filter, drag and drop', async () => {
  const page = await newPage(browser, ros.consoleUrl);
  await signIn(page, ALICE);
  await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  const alice = await Api.login(ros.consoleUrl, ALICE.email, ALICE.password);
  await alice.api('POST', `/projects/${world.projectId}/buckets`, { site: 'thailand-1', name: 'big-files' });
  const s3 = s3For(world.key);
  for (const key of ['docs/guide.md', 'docs/notes/a.txt', 'photos/cat.jpg', 'readme.txt']) {
    await s3.send(new PutObjectCommand({ Bucket: 'big-files', Key: key, Body: `content of ${key}` }));
  }
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/buckets/thailand-1/big-files`);
  await page.getByRole('heading', { name: 'big-files', level: 1 }).waitFor();

  // Folders by "/", breadcrumbs, the prefix filter.
  await page.getByRole('link', { name: 'docs/' }).click();
  await page.getByRole('navigation', { name: 'Folder' }).getByRole('link', { name: 'docs' }).waitFor();
  await objectRow(page, 'docs/guide.md').waitFor();
  await page.getByRole('link', { name: 'notes/' }).waitFor();
  await shot(page, '17-folder');
  await page.getByRole('navigation', { name: 'Folder' }).getByRole('link', { name: 'big-files' }).click();
  await page.getByLabel('Filter by prefix').fill('re');
  await page.getByRole('link', { name: 'docs/' }).waitFor({ state: 'detached' });
  await objectRow(page, 'readme.txt').waitFor();
  await page.getByLabel('Filter by prefix').fill('zzz');
  await page.getByText('Nothing here starts with “zzz”').waitFor();
  await page.getByLabel('Filter by prefix').fill('');
  await page.getByRole('link', { name: 'photos/' }).waitFor();

  // Paged: 100 entries a page, never everything at once.
  await Promise.all(
    Array.from({ length: 105 }, (_, i) =>
      s3.send(
        new PutObjectCommand({
          Bucket: 'big-files',
          Key: `many/item-${String(i).padStart(3, '0')}.txt`,
          Body: String(i),
        }),
      ),
    ),
  );
  await page.reload();
  await page.getByRole('link', { name: 'many/' }).click();
  await page.getByText('Showing 1–100').waitFor();
  assert.equal(await page.getByRole('button', { name: /^Delete many\// }).count(), 100);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Showing 101–105').waitFor();
  await objectRow(page, 'many/item-104.txt').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Previous page' }).click();
  await objectRow(page, 'many/item-000.txt').waitFor();
  await page.getByRole('navigation', { name: 'Folder' }).getByRole('link', { name: 'big-files' }).click();
  await page.getByRole('link', { name: 'photos/' }).waitFor();

  // Drag and drop.
  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped into the browser'], 'dropped.txt', { type: 'text/plain' }));
    return dt;
  });
  for (const type of ['dragenter', 'dragover', 'drop'])
    await page.dispatchEvent('.drop-zone', type, { dataTransfer: dropped });
  await objectRow(page, 'dropped.txt').waitFor();

  // 20 MiB: over the 8 MiB of one request, so multipart in 3 parts, with progress.
  const big = randomBytes(20 * 1024 * 1024);
  const file = path.join(tmp, 'twenty.bin');
  fs.writeFileSync(file, big);
  await page.locator('#file-picker').setInputFiles(file);
  const upload = page.getByRole('listitem').filter({ hasText: 'twenty.bin' });
  await upload.getByText(/multipart, 3 parts/).waitFor();
  await shot(page, '18-upload-progress', { fullPage: false });
  await upload.getByText(/^Uploaded · 20 MiB · multipart, 3 parts$/).waitFor({ timeout: 60_000 });
  await objectRow(page, 'twenty.bin').getByText('20 MiB').waitFor();
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'big-files', Key: 'twenty.bin' }));
  assert.match(head.ETag, /-3"$/, 'a multipart ETag');
  assert.equal(head.ContentLength, big.length);
  const got = Buffer.from(
    await (await s3.send(new GetObjectCommand({ Bucket: 'big-files', Key: 'twenty.bin' }))).Body.transformToByteArray(),
  );
  assert.equal(sha256(got), sha256(big), 'the bytes read back by S3 match');
  // And downloaded in the browser, through the download link.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download twenty.bin' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'twenty.bin');
  assert.equal(
    sha256(fs.readFileSync(await download.path())),
    sha256(big),
    'the bytes downloaded in the browser match',
  );
  await shot(page, '19-big-uploaded');

  // Uploading the same name again asks first; "Cancel" keeps the object.
  await page
    .locator('#file-picker')
    .setInputFiles({ name: 'dropped.txt', mimeType: 'text/plain', buffer: Buffer.from('other') });
  const ask = page.getByRole('dialog', { name: 'Replace object?' });
  await ask.waitFor();
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('listitem').filter({ hasText: 'an object with this name exists and was kept' }).waitFor();

  // Cancel a multipart upload midway (a slow link, so there is time): nothing is left behind.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 2 * 1024 * 1024,
  });
  fs.writeFileSync(path.join(tmp, 'cancel-me.bin'), big);
  await page.locator('#file-picker').setInputFiles(path.join(tmp, 'cancel-me.bin'));
  const slow = page.getByRole('listitem').filter({ hasText: 'cancel-me.bin' });
  await slow.getByText(/multipart, 3 parts/).waitFor();
  await slow.getByRole('button', { name: 'Cancel upload of cancel-me.bin' }).click();
  await slow.getByText('Cancelled').waitFor();
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const stats = await alice.api('GET', `/projects/${world.projectId}/buckets/thailand-1/big-files/stats`);
  assert.equal(stats.stats.uploads, 0, 'the cancelled upload was aborted');
  assert.equal(await objectRow(page, 'cancel-me.bin').count(), 0);
  await page.context().close();
});

test('a user without a key at a site does not see its buckets; a member cannot open admin pages', async () => {
  // Alice (the project's admin) adds Bob as a member on the project page.
  const alicePage = await newPage(browser, ros.consoleUrl);
  await signIn(alicePage, ALICE);
  await alicePage.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  await alicePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members & Apps' }).click();
  await alicePage.getByRole('heading', { name: 'Members & Apps', level: 1 }).waitFor();
  await alicePage.getByLabel('Email').fill('nobody@example.com');
  await alicePage.getByRole('button', { name: 'Add member' }).click();
  await alicePage.getByText('No account has that email.').waitFor();
  await alicePage.getByLabel('Email').fill(BOB.email);
  await alicePage.getByRole('button', { name: 'Add member' }).click();
  await alicePage.getByRole('row').filter({ hasText: BOB.email }).waitFor();
  await alicePage.getByLabel('App name').fill('backup-job');
  await alicePage.getByRole('button', { name: 'Add app' }).click();
  await alicePage.getByRole('row').filter({ hasText: 'backup-job' }).waitFor();
  await shot(alicePage, '20-members-and-apps');
  // App Keys: pick the app member, the site and a name; the same pane.
  await alicePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access Keys' }).click();
  await alicePage.getByRole('tab', { name: 'App Keys' }).click();
  await alicePage.getByRole('button', { name: 'Add App Key' }).click();
  const dialog = alicePage.getByRole('dialog', { name: 'Add App Key' });
  await dialog.getByLabel('App').selectOption({ label: 'backup-job' });
  await dialog.getByLabel('ROS site').selectOption({ label: 'Helsinki, Finland' });
  await dialog.getByLabel('Name').fill('nightly-backup');
  await dialog.getByRole('button', { name: 'Add Key' }).click();
  await alicePage
    .getByRole('dialog', { name: 'Your new access key' })
    .getByText('Secret access key', { exact: true })
    .waitFor();
  await alicePage.getByRole('button', { name: 'Done' }).click();
  await alicePage.getByRole('row').filter({ hasText: 'nightly-backup' }).getByText('backup-job').waitFor();
  await shot(alicePage, '21-app-keys');
  await alicePage.context().close();

  // Bob holds no key: no buckets are shown, and he is told why and what to do.
  const page = await newPage(browser, ros.consoleUrl);
  await signIn(page, BOB);
  await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  await page.getByText('You have no key in this project yet').waitFor();
  assert.equal(await page.getByRole('link', { name: 'big-files' }).count(), 0);
  await shot(page, '22-member-no-key');
  // A key at Helsinki shows Helsinki's buckets, still not Si Racha's.
  await page.getByRole('link', { name: 'Add Own Key for Helsinki, Finland' }).click();
  const add = page.getByRole('dialog', { name: 'Add Own Key' });
  assert.equal(await add.getByLabel('ROS site').locator('option:checked').textContent(), 'Helsinki, Finland');
  await add.getByLabel('Name').fill('bob-helsinki');
  await add.getByRole('button', { name: 'Add Key' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Buckets' }).click();
  await page.getByRole('link', { name: 'Add Own Key for Si Racha, Thailand' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'big-files' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Add Own Key for Helsinki, Finland' }).count(), 0);
  await shot(page, '23-member-hidden-site');
  // Even by address, the bucket is refused with the reason.
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/buckets/thailand-1/big-files`);
  await page.getByText('You need an access key for Si Racha, Thailand').waitFor();

  // Admin pages: not in the navigation, and refused by address.
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Members & Apps' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/settings`);
  await page.getByText('Only project admins can manage members and apps.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add member' }).count(), 0);
  await shot(page, '24-member-refused-admin-page');
  await page.goto(`${ros.consoleUrl}/#/users`);
  await page.getByText('Only system administrators can manage users.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create user' }).count(), 0);
  // App keys: listed, but only admins add them.
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/keys?tab=app`);
  await page.getByText('Only project admins can add or delete app keys.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add App Key' }).count(), 0);

  // Sign out.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/buckets`);
  await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  await page.context().close();
});

test('public access: a bucket made public, a share link, and the project switch that forbids it', async () => {
  const s3 = s3For(world.key);
  await s3.send(new CreateBucketCommand({ Bucket: 'public-site' }));
  await s3.send(new PutObjectCommand({ Bucket: 'public-site', Key: 'index.html', Body: '<h1>hello</h1>' }));
  await s3.send(new PutObjectCommand({ Bucket: 'public-site', Key: 'private/report.txt', Body: 'numbers' }));
  const anonymous = (key) => fetch(`${world.key.endpoint}/public-site/${key}`);
  assert.equal((await anonymous('index.html')).status, 403);

  const page = await newPage(browser, ros.consoleUrl);
  await signIn(page, ALICE);
  await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/buckets/thailand-1/public-site`);
  const access = page.getByRole('region', { name: 'Access' });
  await access.getByText('Private', { exact: true }).waitFor();
  // Make it public: the badges say so, and anyone can read.
  await access.getByLabel('Access (canned ACL)').selectOption('public-read');
  await access.getByRole('button', { name: 'Save access' }).click();
  await access.locator('.badge.public').getByText('Public').waitFor();
  await objectRow(page, 'index.html').locator('.badge.public').waitFor();
  assert.equal(await (await anonymous('index.html')).text(), '<h1>hello</h1>');
  await shot(page, '30-bucket-public');

  // Private again; share one object with a link that lives an hour.
  await access.getByLabel('Access (canned ACL)').selectOption('private');
  await access.getByRole('button', { name: 'Save access' }).click();
  await access.getByText('Private', { exact: true }).waitFor();
  assert.equal((await anonymous('index.html')).status, 403);
  await page.getByRole('link', { name: 'private/' }).click();
  await page.getByRole('button', { name: 'Share private/report.txt' }).click();
  const share = page.getByRole('dialog', { name: 'Share report.txt' });
  await share.getByText('Not public').waitFor();
  await share.getByLabel('Valid for').selectOption({ label: '1 hour' });
  await share.getByRole('button', { name: 'Create link' }).click();
  const link = await share.locator('#share-url').textContent();
  assert.match(link, /X-Amz-Expires=3600/);
  const shared = await fetch(link);
  assert.deepEqual([shared.status, await shared.text()], [200, 'numbers']);
  await shot(page, '31-share-link');
  // Make just this object public, from the same dialog.
  await share.getByRole('button', { name: 'Make this object public' }).click();
  await share.getByText('Anyone can open this address').waitFor();
  assert.equal(await (await anonymous('private/report.txt')).text(), 'numbers');
  await shot(page, '32-object-public');
  await share.getByRole('button', { name: 'Close' }).click();

  // The project's admins forbid public access: the object is no longer reachable unsigned.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members & Apps' }).click();
  await page.getByLabel('Forbid public access to every bucket of this project').check();
  await page.getByRole('region', { name: 'Public access' }).getByRole('button', { name: 'Save' }).click();
  await page.getByText('Public access is forbidden in this project').first().waitFor();
  await shot(page, '33-project-forbids-public');
  assert.equal((await anonymous('private/report.txt')).status, 403);
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/buckets/thailand-1/public-site`);
  await page.getByText("This project's admins forbid public access").waitFor();
  await page.context().close();
});

test('Activity: a project admin sees who changed what, filters it, and the console runs under its CSP', async () => {
  const page = await newPage(browser, ros.consoleUrl);
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  const res = await page.goto(ros.consoleUrl);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'.*frame-ancestors 'none'/);
  assert.equal(res.headers()['x-content-type-options'], 'nosniff');
  await signIn(page, ALICE);
  await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  // The previous test's switch, newest first, by Alice.
  const first = page.getByRole('row').nth(1);
  await first.getByRole('cell', { name: 'project.public-access' }).waitFor();
  assert.match(await first.textContent(), new RegExp(ALICE.email));
  await page.getByRole('cell', { name: 'key.create' }).first().waitFor();
  await shot(page, '34-activity');

  await page.getByLabel('Action').fill('bucket.');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/action=bucket\./);
  await page.getByRole('cell', { name: 'bucket.acl' }).first().waitFor();
  const actions = await page.locator('tbody tr td:nth-child(3)').allTextContents();
  assert.ok(actions.length > 0 && actions.every((a) => a.startsWith('bucket.')), actions.join(', '));
  await shot(page, '35-activity-filtered');
  await page.context().close();

  // Members do not see the page.
  const bob = await newPage(browser, ros.consoleUrl);
  await signIn(bob, BOB);
  await bob.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  assert.equal(await bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).count(), 0);
  await bob.goto(`${ros.consoleUrl}/#/p/${world.projectId}/activity`);
  await bob.getByText('Only project admins see its activity.').waitFor();
  await bob.context().close();
  assert.deepEqual(violations, []);
});

test('Your Account: a password change with the policy explained, sessions listed and revoked; an admin disables a user', async () => {
  // Bob is signed in elsewhere too (the CLI's way): that session ends when he changes his password.
  const elsewhere = await Api.login(ros.consoleUrl, BOB.email, BOB.password);
  const page = await newPage(browser, ros.consoleUrl);
  await signIn(page, BOB);
  // The user menu at the top right (the name) leads to Your Account, whatever page the sign-in lands on.
  await page.getByRole('link', { name: BOB.name }).click();
  await page.getByRole('heading', { name: 'Your Account', level: 1 }).waitFor();
  const form = page.getByRole('region', { name: 'Change Password' });
  await form.getByText('At least 12 characters; not a common password').waitFor();
  await form.getByLabel('Current Password').fill('not-my-password');
  await form.getByLabel('New Password', { exact: true }).fill('short');
  await form.getByRole('button', { name: 'Change Password' }).click();
  await form.getByText('The password must be at least 12 characters.').waitFor();
  await form.getByLabel('New Password', { exact: true }).fill('Password-2024!');
  await form.getByLabel('Repeat New Password').fill('Password-2024!');
  await form.getByRole('button', { name: 'Change Password' }).click();
  await form.getByText('That is not your current password.').waitFor();
  await form.getByLabel('Current Password').fill(BOB.password);
  await form.getByRole('button', { name: 'Change Password' }).click();
  await form.getByText('This password is too common').waitFor();
  await shot(page, '40-account-password-refused');
  const sessions = page.getByRole('region', { name: 'Sessions' });
  assert.ok((await sessions.getByRole('row').count()) >= 3); // header, this one, the other
  await sessions.getByText('This session').waitFor();

  await form.getByLabel('New Password', { exact: true }).fill('quiet-harbour-lantern');
  await form.getByLabel('Repeat New Password').fill('quiet-harbour-lantern');
  await form.getByRole('button', { name: 'Change Password' }).click();
  await page
    .getByText(/Password changed\. \d+ other sessions? (was|were) signed out\./)
    .first()
    .waitFor();
  await assert.rejects(elsewhere.api('GET', '/me'), (err) => err.status === 401);
  BOB.password = 'quiet-harbour-lantern';
  // Only this session is left: nothing else to sign out.
  await page.getByRole('region', { name: 'Sessions' }).getByText('This session').waitFor();
  assert.equal(await page.getByRole('region', { name: 'Sessions' }).getByRole('row').count(), 2);
  assert.ok(await page.getByRole('button', { name: 'Sign Out All Other Sessions' }).isDisabled());
  await shot(page, '41-account-changed');

  // A new session elsewhere appears in the list and can be revoked from here.
  const another = await Api.login(ros.consoleUrl, BOB.email, BOB.password);
  await page.reload();
  const list = page.getByRole('region', { name: 'Sessions' });
  await list.getByRole('row').filter({ hasText: 'ros CLI' }).waitFor();
  await shot(page, '42-account-sessions');
  await list.getByRole('row').filter({ hasText: 'ros CLI' }).getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: 'Sign out this session?' })
    .getByRole('button', { name: 'Sign Out Session' })
    .click();
  await page.getByText('Session signed out').first().waitFor();
  await assert.rejects(another.api('GET', '/me'), (err) => err.status === 401);

  // The admin disables Bob from the Users page's three-dots menu: Bob's page is signed out.
  const adminPage = await newPage(browser, ros.consoleUrl);
  await signIn(adminPage, ros.admin);
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor();
  await adminPage.goto(`${ros.consoleUrl}/#/users`);
  await adminPage.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await adminPage.getByRole('button', { name: `Actions for ${BOB.email}` }).click();
  await shot(adminPage, '43-users-menu', { fullPage: false });
  await adminPage.getByRole('menuitem', { name: 'Disable' }).click();
  await adminPage.getByRole('dialog', { name: 'Disable user?' }).getByRole('button', { name: 'Disable' }).click();
  await adminPage.getByRole('row').filter({ hasText: BOB.email }).getByText('Disabled').waitFor();
  await shot(adminPage, '44-user-disabled');
  // Bob's page learns it at its next request: the session is gone.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  await signIn(page, BOB);
  await page.getByText('This account is disabled').waitFor();
  await shot(page, '45-sign-in-disabled');
  // Enabled again, and a password reset from the same menu.
  await adminPage.getByRole('button', { name: `Actions for ${BOB.email}` }).click();
  await adminPage.getByRole('menuitem', { name: 'Enable' }).click();
  await adminPage.getByRole('dialog', { name: 'Enable user?' }).getByRole('button', { name: 'Enable' }).click();
  await adminPage.getByRole('row').filter({ hasText: BOB.email }).getByText('Active').waitFor();
  await adminPage.getByRole('button', { name: `Actions for ${BOB.email}` }).click();
  await adminPage.getByRole('menuitem', { name: 'Reset Password' }).click();
  const reset = adminPage.getByRole('dialog', { name: 'Reset Password' });
  await reset.getByLabel('New Password').fill('admin-chose-this-for-bob');
  await shot(adminPage, '46-reset-password', { fullPage: false });
  await reset.getByRole('button', { name: 'Set Password' }).click();
  await adminPage.getByText(`New password set for ${BOB.email}`).first().waitFor();
  await Api.login(ros.consoleUrl, BOB.email, 'admin-chose-this-for-bob');
  await page.context().close();
  await adminPage.context().close();
});

test('a scoped key: limits chosen in Add Own Key, shown in the pane and the list; disabled and enabled from its menu', async () => {
  const s3 = s3For(world.key);
  await s3.send(new CreateBucketCommand({ Bucket: 'team-docs' }));
  await s3.send(new PutObjectCommand({ Bucket: 'team-docs', Key: 'docs/readme.txt', Body: 'read me' }));

  const page = await newPage(browser, ros.consoleUrl);
  await signIn(page, ALICE);
  await page.getByRole('heading', { name: 'Buckets', level: 1 }).waitFor();
  await page.goto(`${ros.consoleUrl}/#/p/${world.projectId}/keys`);
  await page.getByRole('button', { name: 'Add Own Key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add Own Key' });
  await dialog.getByLabel('ROS site').selectOption({ label: 'Si Racha, Thailand' });
  await dialog.getByLabel('Name').fill('docs-reader');
  await dialog.getByLabel('Read only (GET, HEAD and listings)').check();
  // The project's buckets at the chosen site, to tick.
  await dialog.getByLabel('team-docs').check();
  await dialog.getByLabel('Key prefix').fill('docs/');
  await dialog.getByLabel('Expires').selectOption({ label: 'In 30 days' });
  await shot(page, '50-add-scoped-key');
  await dialog.getByRole('button', { name: 'Add Key' }).click();

  const pane = page.getByRole('dialog', { name: 'Your new access key' });
  const limits = 'Read-only · bucket team-docs · docs/ · expires in 30 days';
  await pane.getByText(limits).waitFor();
  const key = {
    id: await copyFrom(page, 'Copy access key ID'),
    secret: await copyFrom(page, 'Copy secret access key'),
    endpoint: world.key.endpoint,
  };
  await shot(page, '51-scoped-key-pane');
  await pane.getByRole('button', { name: 'Done' }).click();
  const row = page.getByRole('row').filter({ hasText: 'docs-reader' });
  await row.getByText(limits).waitFor();
  await row.getByText('Active').waitFor();
  await shot(page, '52-my-keys-limits');

  // An S3 client with it reads inside its limits and is refused a write.
  const scoped = s3For(key);
  const read = await scoped.send(new GetObjectCommand({ Bucket: 'team-docs', Key: 'docs/readme.txt' }));
  assert.equal(await read.Body.transformToString(), 'read me');
  await assert.rejects(
    scoped.send(new PutObjectCommand({ Bucket: 'team-docs', Key: 'docs/new.txt', Body: 'no' })),
    (err) => err.name === 'AccessDenied',
  );

  // The three dots ⇢ Disable; then Enable.
  await row.getByRole('button', { name: 'Actions for key docs-reader' }).click();
  await page.getByRole('menuitem', { name: 'Disable' }).click();
  await page.getByText('Access key docs-reader disabled').first().waitFor();
  const disabledRow = page.getByRole('row').filter({ hasText: 'docs-reader' });
  await disabledRow.getByText('Disabled', { exact: true }).waitFor();
  await shot(page, '53-key-disabled');
  await disabledRow.getByRole('button', { name: 'Actions for key docs-reader' }).click();
  await page.getByRole('menuitem', { name: 'Enable' }).click();
  await page.getByText('Access key docs-reader enabled').first().waitFor();
  await page.getByRole('row').filter({ hasText: 'docs-reader' }).getByText('Active', { exact: true }).waitFor();
  await page.context().close();
});
