// Client matrix (issue 4): the machine's `aws` CLI (v1, botocore) with its default settings — a clean HOME, empty
// config files, only the endpoint, key, secret and a region — runs the shared workload of fixtures.mjs against a
// real server started as `npm start` does: create a bucket, upload 0 B / 1 B / 5 MiB + 1 / 64 MiB (the last one
// multipart at the CLI's 8 MiB threshold and chunk size), download and compare bytes, sync a tree of awkward
// names both ways, list, copy, delete many, delete the bucket. The steps share state and run in order.
//
// `--debug` (which changes nothing on the wire) is added where the test checks what botocore sends.
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
import { makeFixtures, md5, multipartEtag, sha256File } from './fixtures.mjs';

const AWS = resolveProgram('aws');
const MiB = 1024 * 1024;
const CLI_CHUNK = 8 * MiB; // awscli's default multipart_threshold and multipart_chunksize
const BUCKET = 'aws-cli-matrix';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
let work; // downloads
const timings = {}; // seconds per step, printed at the end

beforeAll(async () => {
  fx = makeFixtures('aws-cli');
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-aws-cli-matrix-'));
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  fx?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  console.log('aws CLI matrix timings (s):', JSON.stringify(timings));
});

/** Runs `aws --endpoint-url <thailand-1> ...args` with the main project's key; `label` records the time taken. */
async function aws(args, label) {
  const key = tenants.keys.main;
  const started = Date.now();
  const r = await run(AWS, ['--endpoint-url', key.endpoint, ...args], {
    env: awsEnv(home, key),
    cwd: work,
    timeout: 100_000,
  });
  if (label) timings[label] = (Date.now() - started) / 1000;
  return r;
}

/** Runs and expects exit 0; returns the run. */
async function ok(args, label) {
  const r = await aws(args, label);
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}
const okJson = async (args, label) => JSON.parse((await ok([...args, '--output', 'json'], label)).stdout);

/** The CLI's result lines (`upload: …`, `download: …`, `delete: …`), without the \r-separated progress output. */
const lines = (stdout, verb) => stdout.split(/[\r\n]+/).filter((l) => l.startsWith(`${verb}: `));

/**
 * The requests botocore logged with --debug: method, URL and the raw headers dict (as Python prints it).
 * `header(req, name)` reads one header's value out of it.
 */
function sent(stderr) {
  const re = /Sending http request: <AWSPreparedRequest stream_output=\w+, method=(\w+), url=(\S+), headers=\{(.*)\}>/g;
  return [...stderr.matchAll(re)].map(([, method, url, headers]) => ({ method, url, headers }));
}
const header = (req, name) => req.headers.match(new RegExp(`'${name}': b?'([^']*)'`, 'i'))?.[1];

/** Every file under `dir`, as sorted relative paths with `/`. */
function walk(dir, prefix = '') {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** S3 lists keys in UTF-8 binary order. */
const s3Order = (keys) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('aws CLI matrix', () => {
  it('s3 mb creates the bucket', async () => {
    const r = await ok(['s3', 'mb', `s3://${BUCKET}`], 'mb');
    expect(r.stdout).toContain(`make_bucket: ${BUCKET}`);
  });

  it('s3 cp uploads the four files; the 64 MiB one goes multipart in 8 MiB parts', async () => {
    // One `cp --recursive` for the four (fewer CLI processes on a busy machine; each file is still its own
    // transfer, the CLI picks single PUT or multipart per file).
    const up = await ok(
      ['s3', 'cp', '--recursive', fx.dir, `s3://${BUCKET}/files/`, '--exclude', 'tree/*', '--debug'],
      'cp up 4 files',
    );
    // (`upload: <local path, relative to the working dir> to s3://…`)
    expect(
      lines(up.stdout, 'upload')
        .map((l) => l.split(' to ').pop())
        .sort(),
    ).toEqual(fx.files.map((f) => `s3://${BUCKET}/files/${f.name}`).sort());

    // On the wire (http endpoint): a signed payload (X-Amz-Content-SHA256 is the body's SHA-256, not
    // UNSIGNED-PAYLOAD, not aws-chunked), a CRC32 checksum *header* (botocore ≥ 1.36, "when supported") and
    // `Expect: 100-continue` on every request with a body. The 64 MiB file: CreateMultipartUpload, then 8
    // UploadParts of 8 MiB.
    const reqs = sent(up.stderr);
    const puts = reqs.filter((r) => r.method === 'PUT' && !r.url.includes('partNumber='));
    const parts = reqs.filter((r) => r.method === 'PUT' && /[?&]partNumber=\d+/.test(r.url));
    expect(puts.map((r) => decodeURIComponent(r.url.split('/').pop())).sort()).toEqual(
      fx.files
        .slice(0, 3)
        .map((f) => f.name)
        .sort(),
    );
    expect(reqs.filter((r) => r.method === 'POST' && r.url.endsWith(`/${fx.files[3].name}?uploads`))).toHaveLength(1);
    expect(parts.map((p) => Number(p.url.match(/partNumber=(\d+)/)[1])).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    for (const r of [...puts, ...parts]) {
      const size = r.url.includes('partNumber=') ? CLI_CHUNK : fx.files.find((f) => r.url.endsWith(`/${f.name}`)).size;
      expect(header(r, 'Content-Length'), r.url).toBe(String(size));
      expect(header(r, 'X-Amz-Content-SHA256'), r.url).toMatch(/^[0-9a-f]{64}$/);
      expect(header(r, 'x-amz-checksum-crc32'), r.url).toMatch(/^[A-Za-z0-9+/]{6}==$/);
      expect(header(r, 'Expect'), r.url).toBe('100-continue');
      expect(header(r, 'Content-Encoding'), r.url).toBeUndefined();
    }

    const [listed, head] = await Promise.all([
      okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'files/']),
      okJson(['s3api', 'head-object', '--bucket', BUCKET, '--key', `files/${fx.files[3].name}`]),
    ]);
    const byKey = Object.fromEntries(listed.Contents.map((o) => [o.Key, o]));
    expect(Object.keys(byKey).sort()).toEqual(fx.files.map((f) => `files/${f.name}`).sort());
    for (const f of fx.files.slice(0, 3)) {
      expect(byKey[`files/${f.name}`], f.name).toMatchObject({
        Size: f.size,
        ETag: `"${md5(fs.readFileSync(f.path))}"`,
      });
    }
    const big = fx.files[3];
    expect(head.ETag).toMatch(/-8"$/);
    expect(head).toMatchObject({ ContentLength: big.size, ETag: multipartEtag(big.path, CLI_CHUNK) });
    expect(byKey[`files/${big.name}`]).toMatchObject({ Size: big.size, ETag: head.ETag });
  });

  it('s3 cp downloads each file byte for byte (the 64 MiB one in 8 ranged GETs)', async () => {
    const down = path.join(work, 'files-down');
    const r = await ok(['s3', 'cp', '--recursive', `s3://${BUCKET}/files/`, down, '--debug'], 'cp down 4 files');
    expect(lines(r.stdout, 'download')).toHaveLength(4);
    expect(walk(down)).toEqual(fx.files.map((f) => f.name).sort());
    for (const f of fx.files) expect(await sha256File(path.join(down, f.name)), f.name).toBe(f.sha256);
    const ranges = sent(r.stderr)
      .filter((q) => q.method === 'GET' && q.url.endsWith(`/${fx.files[3].name}`))
      .map((q) => header(q, 'Range'))
      .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]));
    expect(ranges).toEqual(
      [...Array(8).keys()].map((i) =>
        i < 7 ? `bytes=${i * CLI_CHUNK}-${(i + 1) * CLI_CHUNK - 1}` : `bytes=${i * CLI_CHUNK}-`,
      ),
    );
  });

  it('s3 sync uploads the tree (spaces, +, unicode, nested) under exactly the right keys', async () => {
    const up = await ok(['s3', 'sync', fx.tree.dir, `s3://${BUCKET}/tree/`], 'sync up');
    expect(lines(up.stdout, 'upload')).toHaveLength(fx.tree.files.length);

    const expected = s3Order(fx.tree.files.map((f) => `tree/${f.rel}`));
    const [ls, listed] = await Promise.all([
      ok(['s3', 'ls', '--recursive', `s3://${BUCKET}/tree/`]),
      okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'tree/']),
    ]);
    // `a+b=c.txt` keeps its `+` (botocore sends it as %2B), `with space.txt` its space.
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\S+ \S+ +\d+ /, '')),
    ).toEqual(expected);
    expect(listed.Contents.map((o) => o.Key)).toEqual(expected);
    const sizes = Object.fromEntries(fx.tree.files.map((f) => [`tree/${f.rel}`, fs.statSync(f.path).size]));
    for (const o of listed.Contents) expect(o.Size, o.Key).toBe(sizes[o.Key]);
  });

  it('s3 sync downloads the tree into an empty dir, every file identical', async () => {
    const down = path.join(work, 'tree-down');
    fs.mkdirSync(down);
    const r = await ok(['s3', 'sync', `s3://${BUCKET}/tree/`, down], 'sync down');
    expect(lines(r.stdout, 'download')).toHaveLength(fx.tree.files.length);
    expect(walk(down)).toEqual(fx.tree.files.map((f) => f.rel).sort());
    for (const f of fx.tree.files) expect(await sha256File(path.join(down, f.rel)), f.rel).toBe(f.sha256);
  });

  it('a second s3 sync up uploads nothing', async () => {
    // sync compares sizes and times from the listing: any key or size ROS got wrong would be uploaded again.
    const r = await ok(['s3', 'sync', fx.tree.dir, `s3://${BUCKET}/tree/`], 'sync again');
    expect(r.stdout).toBe('');
  });

  it('s3api copy-object with a space, unicode and + in the source key', async () => {
    const uni = fx.tree.files.find((f) => f.rel.startsWith('ünïcødé'));
    const plus = fx.tree.files.find((f) => f.rel === 'a+b=c.txt');
    // --copy-source is given as the key reads: botocore URL-encodes it itself (handlers.handle_copy_source_param).
    const [copyUni, copyPlus, preEncoded] = await Promise.all([
      aws(
        [
          's3api',
          'copy-object',
          '--bucket',
          BUCKET,
          '--key',
          'copies/ü copy.txt',
          '--copy-source',
          `${BUCKET}/tree/${uni.rel}`,
          '--output',
          'json',
          '--debug',
        ],
        'copy-object unicode',
      ),
      okJson([
        's3api',
        'copy-object',
        '--bucket',
        BUCKET,
        '--key',
        'copies/a+b copy.txt',
        '--copy-source',
        `${BUCKET}/tree/${plus.rel}`,
      ]),
      // Encoding it beforehand encodes it twice: the source named is the key with literal `%C3…`, which does not
      // exist (as on AWS).
      aws([
        's3api',
        'copy-object',
        '--bucket',
        BUCKET,
        '--key',
        'copies/never.txt',
        '--copy-source',
        `${BUCKET}/tree/${encodeURIComponent(uni.rel)}`,
      ]),
    ]);
    expect(copyUni.code, describeRun(copyUni)).toBe(0);
    const wire = header(
      sent(copyUni.stderr).find((r) => r.method === 'PUT'),
      'x-amz-copy-source',
    );
    expect(wire).toBe(`${BUCKET}/tree/${encodeURIComponent(uni.rel)}`);
    expect(preEncoded.code, describeRun(preEncoded)).not.toBe(0);
    expect(preEncoded.stderr).toContain('NoSuchKey');

    const body = (f) => fs.readFileSync(f.path);
    expect(JSON.parse(copyUni.stdout).CopyObjectResult.ETag).toBe(`"${md5(body(uni))}"`);
    expect(copyPlus.CopyObjectResult.ETag).toBe(`"${md5(body(plus))}"`);
  });

  it('s3api copy-object copies the 64 MiB multipart object in one request; every copy reads back intact', async () => {
    const big = fx.files[3];
    const copy = await okJson(
      [
        's3api',
        'copy-object',
        '--bucket',
        BUCKET,
        '--key',
        'copies/big copy.bin',
        '--copy-source',
        `${BUCKET}/files/${big.name}`,
      ],
      'copy-object 64 MiB',
    );
    // A CopyObject writes a single-part object: its ETag is the MD5 of the whole content, not the source's `-8`
    // (AWS: only a non-multipart source's copy keeps the source's ETag).
    const whole = `"${md5(fs.readFileSync(big.path))}"`;
    expect(copy.CopyObjectResult.ETag).toBe(whole);

    const down = path.join(work, 'copies-down');
    const [listed, r] = await Promise.all([
      okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'copies/']),
      ok(['s3', 'cp', '--recursive', `s3://${BUCKET}/copies/`, down]),
    ]);
    const uni = fx.tree.files.find((f) => f.rel.startsWith('ünïcødé'));
    const plus = fx.tree.files.find((f) => f.rel === 'a+b=c.txt');
    const expected = { 'a+b copy.txt': plus, 'big copy.bin': big, 'ü copy.txt': uni };
    expect(listed.Contents.map((o) => [o.Key, o.Size])).toEqual(
      Object.entries(expected).map(([name, f]) => [`copies/${name}`, fs.statSync(f.path).size]),
    );
    expect(listed.Contents[1].ETag).toBe(whole);
    expect(lines(r.stdout, 'download')).toHaveLength(3);
    for (const [name, f] of Object.entries(expected))
      expect(await sha256File(path.join(down, name)), name).toBe(f.sha256);
  });

  it('s3api delete-objects deletes many keys at once and lists each as Deleted', async () => {
    const many = path.join(work, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(many, `item ${i}.txt`), `${i}`);
    expect(
      lines((await ok(['s3', 'sync', many, `s3://${BUCKET}/many/`], 'sync 20 small')).stdout, 'upload'),
    ).toHaveLength(20);

    const listed = await okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET]);
    const keys = listed.Contents.map((o) => o.Key).filter((k) => !k.startsWith('tree/')); // the tree is left for rb --force
    expect(keys).toHaveLength(4 + 3 + 20);
    const doomed = [...keys, 'never existed.txt']; // a missing key is "Deleted" too, as on AWS
    fs.writeFileSync(path.join(work, 'delete.json'), JSON.stringify({ Objects: doomed.map((Key) => ({ Key })) }));
    const out = await okJson(
      ['s3api', 'delete-objects', '--bucket', BUCKET, '--delete', 'file://delete.json'],
      'delete-objects',
    );
    expect(out.Errors).toBeUndefined();
    expect(s3Order(out.Deleted.map((d) => d.Key))).toEqual(s3Order(doomed));

    const after = await okJson(['s3api', 'list-objects-v2', '--bucket', BUCKET]);
    expect(after.Contents.map((o) => o.Key)).toEqual(s3Order(fx.tree.files.map((f) => `tree/${f.rel}`)));
  });

  it('s3 rb --force empties and removes the bucket', async () => {
    const r = await ok(['s3', 'rb', '--force', `s3://${BUCKET}`], 'rb --force');
    expect(lines(r.stdout, 'delete')).toHaveLength(fx.tree.files.length);
    expect(r.stdout).toContain(`remove_bucket: ${BUCKET}`);
    const [head, ls] = await Promise.all([aws(['s3api', 'head-bucket', '--bucket', BUCKET]), ok(['s3', 'ls'])]);
    expect(head.code, describeRun(head)).not.toBe(0);
    expect(head.stderr).toContain('404');
    expect(ls.stdout).not.toContain(BUCKET);
  });
});
