// Client matrix (issue 4): boto3 (python3) with its default settings — credentials and region from a clean
// environment, the endpoint in code, no Config and no TransferConfig — runs the shared workload of fixtures.mjs
// against a real server started as `npm start` does. The client code is boto3_matrix.py beside this file: it
// checks as it goes and prints what it saw, and what botocore put on the wire, as JSON; this file checks that JSON
// again so that every failure shows here.
import fs from 'node:fs';
import os from 'node:os';
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
import { makeFixtures, md5, multipartEtag } from './fixtures.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'boto3_matrix.py');
const PYTHON = resolveProgram('python3');
const MiB = 1024 * 1024;
const CHUNK = 8 * MiB; // s3transfer's default multipart_threshold and multipart_chunksize
const BUCKET = 'boto3-matrix';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
/** @type {ReturnType<typeof makeFixtures>} */
let fx;
let work;

beforeAll(async () => {
  fx = makeFixtures('boto3');
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-boto3-matrix-'));
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  fx?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const s3Order = (keys) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('boto3 matrix', () => {
  /** The script's JSON, once it ran (the later steps read it). */
  let out;

  it('runs the workload with default settings', async () => {
    const key = tenants.keys.main;
    const config = { endpoint: key.endpoint, bucket: BUCKET, work, files: fx.files };
    const r = await run(PYTHON, [SCRIPT], { env: awsEnv(home, key), input: JSON.stringify(config), timeout: 110_000 });
    expect(r.code, describeRun(r)).toBe(0);
    out = JSON.parse(r.stdout);
    console.log('boto3 matrix', JSON.stringify(out.versions), 'seconds:', JSON.stringify(out.seconds));
    expect(out.region).toBe('us-east-1');
    // botocore retries failed requests silently (legacy mode, 5 attempts): a flaky server would pass unseen, so
    // every failed attempt is listed. The one exception is wrangler dev's own 503 when it reloads the Worker
    // because a source file changed mid-request (an edit in the working tree, not server behaviour).
    const restarts = out.failures.filter((f) => f.cause.includes('Your worker restarted mid-request'));
    if (restarts.length) console.log(`boto3 matrix: ${restarts.length} request(s) retried after a wrangler dev reload`);
    expect(out.failures.filter((f) => !restarts.includes(f))).toEqual([]);
  });

  it('upload_file: the sizes and ETags; 64 MiB went multipart in 8 MiB parts', () => {
    const [empty, one, five, big] = fx.files;
    expect(out.uploaded).toEqual({
      [empty.name]: { ContentLength: 0, ETag: `"${md5('')}"` },
      [one.name]: { ContentLength: 1, ETag: `"${md5(fs.readFileSync(one.path))}"` },
      [five.name]: { ContentLength: five.size, ETag: `"${md5(fs.readFileSync(five.path))}"` },
      [big.name]: { ContentLength: big.size, ETag: multipartEtag(big.path, CHUNK) },
    });
    expect(out.uploaded[big.name].ETag).toMatch(/-8"$/);
  });

  it('download_file: every file byte for byte', () => {
    expect(out.downloaded).toEqual(Object.fromEntries(fx.files.map((f) => [f.name, f.sha256])));
  });

  it('list_objects_v2: the keys, sizes and ETags', () => {
    const expected = s3Order(fx.files.map((f) => `files/${f.name}`)).map((k) => {
      const f = fx.files.find((x) => `files/${x.name}` === k);
      return [k, f.size, out.uploaded[f.name].ETag];
    });
    expect(out.listed).toEqual(expected);
  });

  it('copy (managed: UploadPartCopy for 64 MiB) and copy_object', () => {
    const [, one, , big] = fx.files;
    // s3transfer copies in parts of 8 MiB, so the copy's ETag is the original upload's.
    expect(out.copies['copies/big copy ü.bin']).toEqual({
      ETag: multipartEtag(big.path, CHUNK),
      ContentLength: big.size,
      sha256: big.sha256,
    });
    expect(out.copies['copies/small copy+1 ü.bin']).toEqual({
      ETag: `"${md5(fs.readFileSync(one.path))}"`,
      ContentLength: 1,
      sha256: one.sha256,
    });
    expect(out.copies['copies/again.bin']).toEqual(out.copies['copies/small copy+1 ü.bin']);
    expect(out.copy_object).toEqual({
      ETag: `"${md5(fs.readFileSync(one.path))}"`,
      again: `"${md5(fs.readFileSync(one.path))}"`,
    });

    const copies = out.sent.filter((s) => s.op === 'UploadPartCopy');
    expect(
      [...new Set(copies.map((s) => s.headers['x-amz-copy-source-range']))].sort(
        (a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]),
      ),
    ).toEqual([...Array(8).keys()].map((i) => `bytes=${i * CHUNK}-${(i + 1) * CHUNK - 1}`));
    // botocore URL-encodes the CopySource dict itself: the space and the unicode of the key arrive encoded once.
    for (const s of copies) expect(s.headers['x-amz-copy-source']).toBe(`${BUCKET}/files/${big.name}`);
    const [first, again] = out.sent.filter((s) => s.op === 'CopyObject');
    expect(first.headers['x-amz-copy-source']).toBe(`${BUCKET}/files/${one.name}`);
    expect(first.url).toBe(`${tenants.keys.main.endpoint}/${BUCKET}/copies/small%20copy%2B1%20%C3%BC.bin`);
    expect(again.headers['x-amz-copy-source']).toBe(`${BUCKET}/copies/small%20copy%2B1%20%C3%BC.bin`);
  });

  it('delete_objects: every key reported Deleted, none left', () => {
    const { asked, deleted, errors } = out.delete_objects;
    expect(asked).toHaveLength(4 + 3 + 25 + 1);
    expect(deleted).toEqual(asked);
    expect(errors).toEqual([]);
    expect(out.left_after_delete).toBe(0);
  });

  it('delete_bucket, then head_bucket is 404', () => {
    expect(out.delete_bucket_status).toBe(204);
    expect(out.head_bucket_after).toEqual(['404', 404]);
  });

  it('what botocore sent: signed payloads, CRC32 headers, Expect: 100-continue', () => {
    const byOp = (op) => out.sent.filter((s) => s.op === op);
    const withBody = [...byOp('PutObject'), ...byOp('UploadPart')];
    // (Each attempt is recorded: a retried request shows twice.)
    expect(new Set(byOp('UploadPart').map((s) => s.url.match(/partNumber=(\d+)/)[1])).size).toBe(8);
    expect(new Set(byOp('PutObject').map((s) => s.url)).size).toBe(3 + 25);
    for (const s of withBody) {
      // Over http botocore signs the payload (hex SHA-256), sends the CRC32 as a header (not an aws-chunked
      // trailer) and asks for `100-continue`.
      expect(s.headers['X-Amz-Content-SHA256'], s.url).toMatch(/^[0-9a-f]{64}$/);
      expect(s.headers['x-amz-checksum-crc32'], s.url).toMatch(/^[A-Za-z0-9+/]{6}==$/);
      expect(s.headers.Expect, s.url).toBe('100-continue');
      expect(s.headers['Content-Encoding'], s.url).toBeUndefined();
      expect(s.headers['x-amz-trailer'], s.url).toBeUndefined();
    }
    for (const s of byOp('UploadPart')) expect(s.headers['Content-Length']).toBe(String(CHUNK));
    // download_file of 64 MiB (and of its managed copy): 8 ranged GETs each.
    const ranged = byOp('GetObject').filter((s) => s.headers.Range);
    expect(new Set(ranged.map((s) => `${s.url} ${s.headers.Range}`)).size).toBe(16);
    expect(new Set(ranged.map((s) => s.headers.Range)).size).toBe(8);
    const del = byOp('DeleteObjects')[0];
    expect(del.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/); // DeleteObjects needs a checksum
    expect(del.headers['Content-MD5']).toBeUndefined();
    expect(del.headers.Expect).toBeUndefined();
  });
});
