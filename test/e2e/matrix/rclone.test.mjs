// Client matrix (issue 4): rclone (Debian's 1.60, /usr/bin/rclone) with its DEFAULT settings against a real server
// started as `npm start` does. The remote is what a user writes into rclone.conf for "any other S3 store": type s3,
// provider Other, the key id, the secret and the endpoint — nothing else. With provider Other rclone addresses
// buckets path style, signs with region us-east-1 and lists with ListObjects v1.
//
// What rclone does with those defaults (seen with --dump headers, asserted below):
// - A file of known size below `upload_cutoff` (200 MiB) is ONE PutObject, 64 MiB included: UNSIGNED-PAYLOAD,
//   Content-MD5, `X-Amz-Meta-Mtime`, then a HEAD to check the ETag. So `rclone copy` never goes multipart here.
// - A stream of unknown size (`rclone rcat`) goes multipart with `chunk_size` (5 MiB) parts, 4 at a time, each part
//   signed with its SHA-256: 64 MiB → 12 × 5 MiB + 4 MiB = 13 parts, ETag `-13`. That is how rclone multiparts
//   without changing an option. (Its CompleteMultipartUpload body is Go's encoding/xml, which writes the ETags'
//   quotes as `&#34;`; ROS answered InvalidPart until src/s3/xml.ts decoded character references.)
// - Server-side copy is CopyObject (`X-Amz-Copy-Source`); `rclone delete`/`purge` send one DeleteObject per key
//   (rclone 1.60 never uses DeleteObjects); `purge` asks `?versioning` first (never enabled).
// rclone refuses to start while AWS_CA_BUNDLE is set, so its environment never has it.
// The steps share state and run in order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEnv, cleanAwsHome, describeRun, run, setupTenants, startFreshRos } from '../support/ros-api.mjs';
import { TREE_FILES, headObject, makeFixtures, md5File, multipartEtag, sha256File, stepTimer } from './fixtures.mjs';

const RCLONE = 'rclone';
const MiB = 1024 * 1024;
const BUCKET = 'matrix-rclone';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let conf; // the rclone.conf
let work; // downloads
/** Wall time of each step, reported at the end. */
const { timings, timed } = stepTimer();

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  fx = makeFixtures('rclone');
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-rclone-down-'));
  const key = tenants.keys.main;
  conf = path.join(home.home, 'rclone.conf');
  fs.writeFileSync(
    conf,
    [
      '[ros]',
      'type = s3',
      'provider = Other',
      `access_key_id = ${key.accessKeyId}`,
      `secret_access_key = ${key.secretAccessKey}`,
      `endpoint = ${key.endpoint}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await ros?.stopAll();
  fx?.remove();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  console.info(`rclone matrix timings (ms): ${JSON.stringify(timings)}`);
});

/** Runs `rclone ...args` with only our rclone.conf (no RCLONE_* or AWS_* of the developer's, no AWS_CA_BUNDLE). */
async function rclone(args, { input, stdinFile, timeout = 110_000 } = {}) {
  const env = awsEnv(home, null, { region: null, extra: { RCLONE_CONFIG: conf } });
  delete env.AWS_CA_BUNDLE; // rclone exits at once when it is set
  for (const k of Object.keys(env)) if (k.startsWith('RCLONE_') && k !== 'RCLONE_CONFIG') delete env[k];
  if (stdinFile) {
    const r = await run('sh', ['-c', 'f=$1; shift; exec "$@" < "$f"', 'sh', stdinFile, RCLONE, ...args], {
      env,
      cwd: work,
      timeout,
    });
    return { ...r, cmd: `${RCLONE} ${args.join(' ')} < ${stdinFile}` };
  }
  return run(RCLONE, args, { env, cwd: work, input, timeout });
}

/** Runs and expects exit 0; returns the run (stdout, stderr with any --dump output). */
async function ok(args, o) {
  const r = await rclone(args, o);
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}

const headOf = (key) => headObject(tenants.keys.main, BUCKET, key);

/** The HTTP requests in a --dump headers log: "METHOD /path?query". */
const requests = (log) => [...log.matchAll(/DEBUG : ([A-Z]+ \/\S*) HTTP\/1\.1$/gm)].map((m) => m[1]);

/** S3's multipart ETag for `file` cut into `partSize` parts: MD5 of the parts' binary MD5s, then `-N`. */
const file = (name) => fx.files.find((f) => f.name === name);

describe('rclone (provider Other, defaults)', () => {
  it('mkdir creates the bucket (path style PUT /bucket) and lsjson of the remote root lists it', async () => {
    const made = await timed('mkdir', () => ok(['mkdir', `ros:${BUCKET}`, '-vv', '--dump', 'headers']));
    expect(requests(made.stderr)).toContain(`PUT /${BUCKET}`);
    const buckets = JSON.parse((await ok(['lsjson', 'ros:'])).stdout);
    expect(buckets.map((b) => [b.Path, b.IsDir])).toEqual([[BUCKET, true]]);
  });

  it('copyto uploads the four files, each as one unsigned PUT with Content-MD5 (64 MiB too: below upload_cutoff)', async () => {
    const big = file('sixty-four-mib.bin');
    const runs = await timed('upload', () =>
      Promise.all(
        fx.files.map((f) => ok(['copyto', f.path, `ros:${BUCKET}/files/${f.name}`, '-vv', '--dump', 'headers'])),
      ),
    );
    const bigLog = runs[fx.files.indexOf(big)].stderr;
    // Before uploading, rclone makes sure the bucket exists (PUT /bucket → 200 for its owner, as on AWS us-east-1).
    expect(requests(bigLog).filter((r) => !r.startsWith('HEAD') && r !== `PUT /${BUCKET}`)).toEqual([
      `PUT /${BUCKET}/files/${big.name}`,
    ]);
    expect(bigLog).toContain(`Content-Length: ${64 * MiB}`);
    expect(bigLog).toContain('X-Amz-Content-Sha256: UNSIGNED-PAYLOAD');
    expect(bigLog).toContain(`Content-Md5: ${Buffer.from(md5File(big.path), 'hex').toString('base64')}`);
    expect(bigLog).toMatch(/^X-Amz-Meta-Mtime: \d+\.\d+$/m);
    expect(bigLog).not.toContain('?uploads');

    // Single PUTs: every ETag is the plain MD5, the 64 MiB one included.
    for (const f of fx.files) {
      const head = await headOf(`files/${f.name}`);
      expect(head, f.name).toEqual({ status: 200, etag: `"${md5File(f.path)}"`, length: f.size });
    }
  });

  it('rcat streams 64 MiB of unknown size as a multipart upload: 13 signed parts of 5 MiB (last 4 MiB), ETag -13', async () => {
    const big = file('sixty-four-mib.bin');
    const r = await timed('rcat-multipart', () =>
      // stdin is the file itself (a shell redirect): rclone still cannot know the size, and nothing of 64 MiB
      // goes through a Node pipe.
      ok(['rcat', `ros:${BUCKET}/streamed/${big.name}`, '-vv', '--dump', 'headers'], { stdinFile: big.path }),
    );
    const reqs = requests(r.stderr);
    expect(reqs).toContain(`POST /${BUCKET}/streamed/${big.name}?uploads=`);
    const parts = reqs.filter((q) => /^PUT .*\?partNumber=\d+&uploadId=/.test(q));
    // Each part once: a part sent twice means rclone retried after an error (shown with the failure).
    const trouble = r.stderr
      .split('\n')
      .filter((l) => /HTTP\/1\.1 [45]\d\d|ERROR|retry|error/i.test(l))
      .join('\n');
    expect(
      parts.map((q) => Number(q.match(/partNumber=(\d+)/)[1])).sort((a, b) => a - b),
      trouble,
    ).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(reqs.filter((q) => /^POST .*\?uploadId=/.test(q))).toHaveLength(1); // CompleteMultipartUpload
    expect(reqs.filter((q) => /^DELETE /.test(q))).toEqual([]); // no abort
    expect(r.stderr.match(/^Content-Length: 5242880$/gm)).toHaveLength(12);
    expect(r.stderr.match(/^Content-Length: 4194304$/gm)).toHaveLength(1);
    // Parts are signed payloads (their SHA-256), not UNSIGNED-PAYLOAD.
    expect(r.stderr).not.toContain('UNSIGNED-PAYLOAD');

    const head = await headOf(`streamed/${big.name}`);
    expect(head).toEqual({ status: 200, etag: multipartEtag(big.path, 5 * MiB), length: 64 * MiB });
    expect(head.etag).toMatch(/-13"$/);
  });

  it('copy downloads everything byte for byte (sha256)', async () => {
    await timed('download', () =>
      Promise.all([
        ok(['copy', `ros:${BUCKET}/files`, path.join(work, 'files')]),
        ok(['copyto', `ros:${BUCKET}/streamed/sixty-four-mib.bin`, path.join(work, 'streamed.bin')]),
      ]),
    );
    for (const f of fx.files) {
      const down = path.join(work, 'files', f.name);
      expect(fs.statSync(down).size, f.name).toBe(f.size);
      expect(await sha256File(down), f.name).toBe(f.sha256);
    }
    expect(await sha256File(path.join(work, 'streamed.bin'))).toBe(file('sixty-four-mib.bin').sha256);
  });

  it('lsjson -R --hash lists every key with its size (and MD5 where rclone trusts the ETag)', async () => {
    const r = await ok(['lsjson', '-R', '--files-only', '--hash', `ros:${BUCKET}`]);
    const listed = JSON.parse(r.stdout).map((o) => [o.Path, o.Size, o.Hashes?.md5 ?? null]);
    expect(listed.sort()).toEqual(
      [
        ...fx.files.map((f) => [`files/${f.name}`, f.size, md5File(f.path)]),
        // A multipart ETag is no MD5, and rcat had none to store: rclone shows no hash.
        ['streamed/sixty-four-mib.bin', 64 * MiB, null],
      ].sort(),
    );
  });

  it('sync uploads the tree (spaces, +, unicode, nested); check passes, then catches a changed object', async () => {
    await timed('sync-up', () => ok(['sync', fx.tree.dir, `ros:${BUCKET}/tree`]));
    const listed = JSON.parse((await ok(['lsjson', '-R', '--files-only', `ros:${BUCKET}/tree`])).stdout);
    expect(listed.map((o) => o.Path).sort()).toEqual([...TREE_FILES].sort());
    for (const o of listed) expect(o.Size, o.Path).toBe(fs.statSync(path.join(fx.tree.dir, o.Path)).size);

    const check = await ok(['check', fx.tree.dir, `ros:${BUCKET}/tree`]);
    expect(check.stderr).toContain('0 differences found');
    expect(check.stderr).toContain(`${TREE_FILES.length} matching files`);

    // Same size, other bytes: only the MD5 (the ETag) tells them apart.
    const victim = 'with space.txt';
    const original = fs.readFileSync(path.join(fx.tree.dir, victim));
    const changed = Buffer.from(original.map((b) => b ^ 0xff));
    await ok(['rcat', `ros:${BUCKET}/tree/${victim}`], { input: changed });
    const differs = await rclone(['check', fx.tree.dir, `ros:${BUCKET}/tree`]);
    expect(differs.code, describeRun(differs)).not.toBe(0);
    expect(differs.stderr).toContain(`${victim}: md5 differ`);
    expect(differs.stderr).toContain('1 differences found');

    // sync down brings the tree back as it now is remotely: the changed object and the five others.
    const down = path.join(work, 'tree');
    await timed('sync-down', () => ok(['sync', `ros:${BUCKET}/tree`, down]));
    for (const f of fx.tree.files) {
      const got = path.join(down, f.rel);
      if (f.rel === victim) expect(fs.readFileSync(got).equals(changed), f.rel).toBe(true);
      else expect(await sha256File(got), f.rel).toBe(f.sha256);
    }
  });

  it('copyto remote→remote is a server-side CopyObject, for a single-PUT and a multipart source', async () => {
    const [plain, multi] = await timed('server-side-copy', () =>
      Promise.all([
        ok([
          'copyto',
          `ros:${BUCKET}/files/sixty-four-mib.bin`,
          `ros:${BUCKET}/copies/plain.bin`,
          '-vv',
          '--dump',
          'headers',
        ]),
        ok([
          'copyto',
          `ros:${BUCKET}/streamed/sixty-four-mib.bin`,
          `ros:${BUCKET}/copies/multi.bin`,
          '-vv',
          '--dump',
          'headers',
        ]),
      ]),
    );
    for (const [r, src] of [
      [plain, 'files/sixty-four-mib.bin'],
      [multi, 'streamed/sixty-four-mib.bin'],
    ]) {
      expect(r.stderr).toContain(`X-Amz-Copy-Source: ${BUCKET}/${src}`);
      expect(r.stderr).toContain('X-Amz-Metadata-Directive: COPY');
      expect(requests(r.stderr).filter((q) => q.startsWith('GET '))).toEqual([]); // no bytes through the client
    }
    const want = file('sixty-four-mib.bin').sha256;
    await Promise.all([
      ok(['copyto', `ros:${BUCKET}/copies/plain.bin`, path.join(work, 'plain.bin')]),
      ok(['copyto', `ros:${BUCKET}/copies/multi.bin`, path.join(work, 'multi.bin')]),
    ]);
    expect(await sha256File(path.join(work, 'plain.bin'))).toBe(want);
    expect(await sha256File(path.join(work, 'multi.bin'))).toBe(want);
    expect((await headOf('copies/plain.bin')).etag).toBe(`"${md5File(file('sixty-four-mib.bin').path)}"`);
  });

  it('delete removes many keys (one DeleteObject each); rmdir refuses a non-empty bucket; purge removes it', async () => {
    const del = await timed('delete', () => ok(['delete', `ros:${BUCKET}/tree`, '-vv', '--dump', 'headers']));
    const deletes = requests(del.stderr).filter((q) => q.startsWith('DELETE '));
    expect(deletes).toHaveLength(TREE_FILES.length);
    expect(deletes).toContain(`DELETE /${BUCKET}/tree/a%2Bb%3Dc.txt`);
    expect(deletes).toContain(`DELETE /${BUCKET}/tree/folder%20one/emoji%20%F0%9F%9A%80.txt`);
    expect(requests(del.stderr).some((q) => q.includes('?delete'))).toBe(false);
    const left = JSON.parse((await ok(['lsjson', '-R', '--files-only', `ros:${BUCKET}`])).stdout).map((o) => o.Path);
    expect(left.sort()).toEqual([
      'copies/multi.bin',
      'copies/plain.bin',
      ...fx.files.map((f) => `files/${f.name}`).sort(),
      'streamed/sixty-four-mib.bin',
    ]);

    const notEmpty = await rclone(['rmdir', `ros:${BUCKET}`]);
    expect(notEmpty.code, describeRun(notEmpty)).not.toBe(0);
    expect(notEmpty.stderr).toContain('BucketNotEmpty');

    const purge = await timed('purge', () => ok(['purge', `ros:${BUCKET}`, '-vv', '--dump', 'headers']));
    const reqs = requests(purge.stderr);
    expect(reqs.filter((q) => q.startsWith('DELETE ')).at(-1)).toBe(`DELETE /${BUCKET}`);
    expect(purge.stderr).toContain(`Bucket "${BUCKET}" deleted`);

    expect(JSON.parse((await ok(['lsjson', 'ros:'])).stdout)).toEqual([]);
    const gone = await rclone(['lsf', `ros:${BUCKET}`]);
    expect(gone.code, describeRun(gone)).toBe(3); // rclone's "directory not found"
    expect((await headOf('files/one-byte.bin')).status).toBe(404);
  });
});
