// End-to-end: scoped and expiring keys (docs/s3.md, "Key limits") with real clients and default settings —
// boto3 (key_limits_boto3.py beside this file) and the machine's `aws` CLI — against a real server started as
// `npm start` does: a read-only key refused on PUT, a bucket-scoped key refused on another bucket, a prefix-scoped
// key refused outside its prefix, an expired key refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPath } from '../../../bin/lib/cli/http.mjs';
import {
  awsEnv,
  cleanAwsHome,
  describeRun,
  resolveProgram,
  run,
  setupTenants,
  startFreshRos,
} from '../support/ros-api.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'key_limits_boto3.py');
const PYTHON = resolveProgram('python3');
const AWS = resolveProgram('aws');
/** src/s3/auth/authenticate.ts KEY_CACHE_MS: how long a key's row may be cached in the server. */
const KEY_CACHE_MS = 5_000;
const A = 'limits-a';
const B = 'limits-b';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let work;
/** @type {Record<string, { accessKeyId: string, secretAccessKey: string }>} */
const keys = {};

/** A key of the main project at thailand-1 with these limits (docs/api.md). @param {Record<string, unknown>} limits */
async function scopedKey(limits) {
  const { key, secretAccessKey } = await tenants.admin.post(apiPath`/projects/${tenants.projects.main.id}/keys`, {
    site: 'thailand-1',
    name: `scoped-${Object.keys(limits).join('-')}`,
    ...limits,
  });
  return { accessKeyId: key.accessKeyId, secretAccessKey, key };
}

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-key-limits-'));
  for (const name of [A, B]) await tenants.admin.createBucket(tenants.projects.main.id, 'thailand-1', name);
  keys.main = tenants.keys.main;
  keys.readOnly = await scopedKey({ readOnly: true });
  keys.bucket = await scopedKey({ buckets: [A] });
  keys.prefix = await scopedKey({ buckets: [A], prefix: 'docs/' });
}, 180_000);

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The aws CLI with one key. @param {{ accessKeyId: string, secretAccessKey: string }} key @param {string[]} args */
const aws = (key, args) =>
  run(AWS, ['--endpoint-url', tenants.keys.main.endpoint, ...args], { env: awsEnv(home, key), cwd: work });

const credentials = (k) => ({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey });

describe('scoped keys with real clients', () => {
  it('boto3: read-only refused on writes, bucket-scoped on another bucket, prefix-scoped outside its prefix', async () => {
    const config = {
      endpoint: tenants.keys.main.endpoint,
      buckets: [A, B],
      keys: Object.fromEntries(Object.entries(keys).map(([name, k]) => [name, credentials(k)])),
    };
    const r = await run(PYTHON, [SCRIPT], { env: awsEnv(home, null), input: JSON.stringify(config) });
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.read_only).toEqual({
      get: 'docs/a.txt',
      list: ['docs/a.txt', 'other/b.txt'],
      put: '403 AccessDenied',
      delete: '403 AccessDenied',
      create_bucket: '403 AccessDenied',
    });
    expect(out.bucket).toEqual({
      buckets: [A],
      put_own: 200,
      list_other: '403 AccessDenied',
      get_other: '403 AccessDenied',
      put_other: '403 AccessDenied',
    });
    expect(out.prefix).toEqual({
      get_inside: 'docs/a.txt',
      get_outside: '403 AccessDenied',
      put_outside: '403 AccessDenied',
      list_inside: ['docs/a.txt'],
      list_all: '403 AccessDenied',
      copy_from_outside: '403 AccessDenied',
      delete_objects: [['other/b.txt', 'AccessDenied']],
    });
    expect(out.left).toEqual(['docs/a.txt', 'other/b.txt', 'other/new.txt', `${B}:docs/c.txt`].sort());
  });

  it('aws CLI: the same refusals, as the CLI reports them', async () => {
    fs.writeFileSync(path.join(work, 'up.txt'), 'upload');
    const put = await aws(keys.readOnly, ['s3', 'cp', 'up.txt', `s3://${A}/docs/up.txt`]);
    expect(put.code, describeRun(put)).not.toBe(0);
    expect(put.stderr).toMatch(/AccessDenied/);
    const read = await aws(keys.readOnly, ['s3', 'cp', `s3://${A}/docs/a.txt`, '-']);
    expect([read.code, read.stdout], describeRun(read)).toEqual([0, 'docs/a.txt']);

    const other = await aws(keys.bucket, ['s3api', 'list-objects-v2', '--bucket', B]);
    expect(other.code, describeRun(other)).not.toBe(0);
    expect(other.stderr).toMatch(/\(AccessDenied\) when calling the ListObjectsV2 operation: Access Denied/);
    const ls = await aws(keys.bucket, ['s3', 'ls']);
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).pop()),
    ).toEqual([A]);

    const outside = await aws(keys.prefix, ['s3', 'ls', `s3://${A}/other/`]);
    expect(outside.code, describeRun(outside)).not.toBe(0);
    expect(outside.stderr).toMatch(/AccessDenied/);
    const inside = await aws(keys.prefix, ['s3', 'ls', `s3://${A}/docs/`]);
    expect(inside.code, describeRun(inside)).toBe(0);
    expect(inside.stdout).toMatch(/\sa\.txt\n$/);
    const up = await aws(keys.prefix, ['s3', 'cp', 'up.txt', `s3://${A}/docs/up.txt`]);
    expect(up.code, describeRun(up)).toBe(0);
    const upOutside = await aws(keys.prefix, ['s3', 'cp', 'up.txt', `s3://${A}/up.txt`]);
    expect(upOutside.stderr).toMatch(/AccessDenied/);
  });

  it('an expired key is refused by boto3 and the aws CLI', async () => {
    // Expiry is kept to the second: some seconds ahead (a Python process with boto3 takes seconds to start on a
    // busy machine, and the first probe must come before it).
    const at = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
    const expiring = await scopedKey({ expiresAt: new Date(at).toISOString() });
    const probe = () =>
      run(PYTHON, [SCRIPT], {
        env: awsEnv(home, null),
        input: JSON.stringify({ endpoint: tenants.keys.main.endpoint, bucket: A, probe: credentials(expiring) }),
      });
    const before = await probe();
    expect(JSON.parse(before.stdout), describeRun(before)).toEqual({ list: expect.arrayContaining(['docs/a.txt']) });
    // Past the expiry and the key cache's window.
    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + KEY_CACHE_MS + 200));
    const after = await probe();
    expect(JSON.parse(after.stdout), describeRun(after)).toEqual({ list: '403 AccessDenied' });
    const cli = await aws(expiring, ['s3api', 'list-objects-v2', '--bucket', A]);
    expect(cli.code, describeRun(cli)).not.toBe(0);
    expect(cli.stderr).toMatch(
      /\(AccessDenied\) when calling the ListObjectsV2 operation: The access key has expired\./,
    );
  }, 90_000);
});
