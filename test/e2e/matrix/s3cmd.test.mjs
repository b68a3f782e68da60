// Client matrix (issue 4): s3cmd (Debian's 2.3.0, /usr/bin/s3cmd) with its DEFAULT settings against a real server
// started as `npm start` does. Its config file holds only what a user types into `s3cmd --configure` for a
// non-AWS store: the key, the secret, host_base = host_bucket = the site's host:port (no `%(bucket)s`, so path
// style) and use_https = False. Everything else is s3cmd's default.
//
// What s3cmd does with those defaults (seen with -d, asserted below):
// - SigV4 with region us-east-1, every body signed with its SHA-256 (never UNSIGNED-PAYLOAD, no Content-MD5);
//   before most commands it asks GET ?location.
// - Files above multipart_chunk_size_mb (15 MiB) go multipart in 15 MiB parts: 64 MiB → 4 × 15 MiB + 4 MiB, ETag
//   `-5`; it stores the whole file's MD5 in `x-amz-meta-s3cmd-attrs`, which `info` shows.
// - `cp` is CopyObject (`x-amz-copy-source`, `x-amz-metadata-directive: COPY`) after GET ?acl (the owner's
//   FULL_CONTROL) and a HEAD; `del --recursive` is one DeleteObjects (POST ?delete) per listing page.
// - `info` also asks ?policy and ?cors (501 NotImplemented, shown as "none") and ?acl (the owner's FULL_CONTROL).
// The steps share state and run in order.
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
import { TREE_FILES, headObject, makeFixtures, md5File, multipartEtag, sha256File, stepTimer } from './fixtures.mjs';

const S3CMD = resolveProgram('s3cmd');
const MiB = 1024 * 1024;
const BUCKET = 'matrix-s3cmd';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let cfg; // the s3cmd config file
let work; // downloads
const { timings, timed } = stepTimer();

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  fx = makeFixtures('s3cmd');
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-s3cmd-down-'));
  const key = tenants.keys.main;
  const host = new URL(key.endpoint).host;
  cfg = path.join(home.home, 's3cfg');
  fs.writeFileSync(
    cfg,
    [
      '[default]',
      `access_key = ${key.accessKeyId}`,
      `secret_key = ${key.secretAccessKey}`,
      `host_base = ${host}`,
      `host_bucket = ${host}`,
      'use_https = False',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await ros?.stopAll();
  fx?.remove();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  console.info(`s3cmd matrix timings (ms): ${JSON.stringify(timings)}`);
});

/** Runs `s3cmd --config <cfg> ...args` in a clean environment (no AWS_* of the developer's). */
function s3cmd(args, { timeout = 110_000 } = {}) {
  const env = awsEnv(home, null, { region: null });
  return run(S3CMD, ['--config', cfg, ...args], { env, cwd: work, timeout });
}

async function ok(args, o) {
  const r = await s3cmd(args, o);
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}

const headOf = (key) => headObject(tenants.keys.main, BUCKET, key);

/** Requests in s3cmd's -d log: "METHOD uri" (requests with a body from a file are logged without the method). */
const requests = (log) =>
  [...log.matchAll(/Sending request method_string='([A-Z]+)', uri='([^']*)'/g)].map((m) => `${m[1]} ${m[2]}`);
/** Every URI s3cmd formats in a -d log, uploads included. */
const uris = (log) => [...log.matchAll(/format_uri\(\): (\S+)/g)].map((m) => m[1]);

const file = (name) => fx.files.find((f) => f.name === name);
const uri = (key = '') => `s3://${BUCKET}/${key}`;

describe('s3cmd (defaults)', () => {
  it('mb creates the bucket; ls lists it', async () => {
    const made = await timed('mb', () => ok(['mb', uri()]));
    expect(made.stdout).toContain(`Bucket '${uri()}' created`);
    expect((await ok(['ls'])).stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  s3://${BUCKET}$`, 'm'));
  });

  it('put uploads the four files; 64 MiB goes multipart in 15 MiB signed parts (ETag -5)', async () => {
    const r = await timed('put', () => ok(['put', ...fx.files.map((f) => f.path), uri('files/'), '-d']));
    for (const f of fx.files) expect(r.stdout).toContain(`upload: '${f.path}' -> '${uri(`files/${f.name}`)}'`);
    const sent = uris(r.stderr);
    const big = file('sixty-four-mib.bin');
    expect(requests(r.stderr)).toContain(`POST /${BUCKET}/files/${big.name}?uploads`);
    const parts = sent.filter((q) => q.startsWith(`/${BUCKET}/files/${big.name}?partNumber=`));
    expect(parts.map((q) => Number(q.match(/partNumber=(\d+)/)[1]))).toEqual([1, 2, 3, 4, 5]);
    expect(r.stderr.match(/'content-length': '15728640'/g)).toHaveLength(4);
    expect(r.stderr).toContain("'content-length': '4194304'");
    for (const small of fx.files.filter((f) => f !== big)) expect(sent).toContain(`/${BUCKET}/files/${small.name}`);
    expect(r.stderr).not.toContain('UNSIGNED-PAYLOAD');

    expect(await headOf(`files/${big.name}`)).toEqual({
      status: 200,
      etag: multipartEtag(big.path, 15 * MiB),
      length: 64 * MiB,
    });
    for (const f of fx.files.filter((x) => x !== big)) {
      expect(await headOf(`files/${f.name}`), f.name).toEqual({
        status: 200,
        etag: `"${md5File(f.path)}"`,
        length: f.size,
      });
    }
  });

  it('get downloads each file byte for byte (sha256)', async () => {
    fs.mkdirSync(path.join(work, 'files')); // s3cmd downloads many sources only into an existing directory
    await timed('get', () => ok(['get', '--recursive', uri('files/'), `${path.join(work, 'files')}/`]));
    for (const f of fx.files) {
      const down = path.join(work, 'files', f.name);
      expect(fs.statSync(down).size, f.name).toBe(f.size);
      expect(await sha256File(down), f.name).toBe(f.sha256);
    }
  });

  it('ls / la list keys and sizes; info shows the object (MD5 from s3cmd-attrs, the ACL, unsupported parts as none)', async () => {
    const [ls, la, info] = await Promise.all([
      ok(['ls', uri('files/')]),
      ok(['la']),
      ok(['info', uri('files/sixty-four-mib.bin')]),
    ]);
    const rows = (out) =>
      out.stdout
        .trim()
        .split('\n')
        .map((l) => l.match(/^\S+ \S+ +(\d+) +(s3:\/\/.*)$/))
        .filter(Boolean)
        .map((m) => [m[2], Number(m[1])]);
    const want = fx.files.map((f) => [uri(`files/${f.name}`), f.size]).sort();
    expect(rows(ls).sort()).toEqual(want);
    expect(la.stdout).toContain(`DIR  ${uri('files/')}`);

    const big = file('sixty-four-mib.bin');
    expect(info.stdout).toContain(`${uri(`files/${big.name}`)} (object):`);
    expect(info.stdout).toMatch(new RegExp(`File size: +${64 * MiB}`));
    expect(info.stdout).toMatch(new RegExp(`MD5 sum: +${md5File(big.path)}`));
    expect(info.stdout, info.stdout).toMatch(/ACL: +\S+: FULL_CONTROL/);
    expect(info.stdout).toMatch(/CORS: +none/);
  });

  it('sync uploads the tree (spaces, +, unicode, nested), again uploads nothing, and sync down matches', async () => {
    const up = await timed('sync-up', () => ok(['sync', `${fx.tree.dir}/`, uri('tree/')]));
    expect(up.stdout.match(/^upload: /gm)).toHaveLength(TREE_FILES.length);
    const again = await ok(['sync', `${fx.tree.dir}/`, uri('tree/')]);
    expect(again.stdout).not.toContain('upload:');

    const listed = (await ok(['ls', '--recursive', uri('tree/')])).stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\S+ \S+ +\d+ +/, ''));
    expect(listed.sort()).toEqual(TREE_FILES.map((rel) => uri(`tree/${rel}`)).sort());

    const down = path.join(work, 'tree');
    await timed('sync-down', () => ok(['sync', uri('tree/'), `${down}/`]));
    for (const f of fx.tree.files) expect(await sha256File(path.join(down, f.rel)), f.rel).toBe(f.sha256);
  });

  it('cp copies server-side (CopyObject), the 64 MiB multipart object included', async () => {
    const [big, small] = await timed('cp', () =>
      Promise.all([
        ok(['cp', uri('files/sixty-four-mib.bin'), uri('copies/sixty-four-mib.bin'), '-d']),
        ok(['cp', uri('files/one-byte.bin'), uri('copies/one-byte.bin')]),
      ]),
    );
    expect(big.stdout).toContain(
      `remote copy: '${uri('files/sixty-four-mib.bin')}' -> '${uri('copies/sixty-four-mib.bin')}'`,
    );
    expect(big.stderr).toContain(`'x-amz-copy-source': '/${BUCKET}/files/sixty-four-mib.bin'`);
    expect(requests(big.stderr)).toContain(`PUT /${BUCKET}/copies/sixty-four-mib.bin`);
    expect(small.code).toBe(0);

    await ok(['get', uri('copies/sixty-four-mib.bin'), uri('copies/one-byte.bin'), `${work}/`]);
    expect(await sha256File(path.join(work, 'sixty-four-mib.bin'))).toBe(file('sixty-four-mib.bin').sha256);
    expect(await sha256File(path.join(work, 'one-byte.bin'))).toBe(file('one-byte.bin').sha256);
    expect((await headOf('copies/sixty-four-mib.bin')).length).toBe(64 * MiB);
  });

  it('del --recursive deletes many keys with one DeleteObjects; rb refuses a non-empty bucket, then removes it', async () => {
    const del = await timed('del', () => ok(['del', '--recursive', uri('tree/'), '-d']));
    expect(del.stdout.match(/^delete: /gm)).toHaveLength(TREE_FILES.length);
    expect(requests(del.stderr).filter((q) => q.startsWith('POST '))).toEqual([`POST /${BUCKET}/?delete`]);
    expect(requests(del.stderr).filter((q) => q.startsWith('DELETE '))).toEqual([]);
    const left = (await ok(['ls', '--recursive', uri()])).stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\S+ \S+ +\d+ +/, ''));
    expect(left.sort()).toEqual(
      [
        uri('copies/one-byte.bin'),
        uri('copies/sixty-four-mib.bin'),
        ...fx.files.map((f) => uri(`files/${f.name}`)),
      ].sort(),
    );

    const notEmpty = await s3cmd(['rb', uri()]);
    expect(notEmpty.code, describeRun(notEmpty)).not.toBe(0);
    expect(notEmpty.stderr).toContain('BucketNotEmpty');

    // Everything else in one go (s3cmd insists on --force to empty a whole bucket), then the bucket.
    const rest = await ok(['del', '--recursive', '--force', uri()]);
    expect(rest.stdout.match(/^delete: /gm)).toHaveLength(left.length);
    const rb = await ok(['rb', uri()]);
    expect(rb.stdout).toContain(`Bucket '${uri()}' removed`);

    expect((await ok(['ls'])).stdout).not.toContain(BUCKET);
    const gone = await s3cmd(['ls', uri()]);
    expect(gone.code, describeRun(gone)).not.toBe(0);
    expect(gone.stderr).toContain('NoSuchBucket');
  });
});
