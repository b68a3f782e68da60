// End-to-end: canned ACLs, anonymous access and Block Public Access with real clients and default settings —
// boto3 (acl_boto3.py beside this file) and the machine's `aws` CLI — against a real server started as
// `npm start` does; unsigned requests are plain fetches, as a browser or curl sends them.
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

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'acl_boto3.py');
const PYTHON = resolveProgram('python3');
const AWS = resolveProgram('aws');
const OWNER = 'owner';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

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
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-acl-'));
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
/** @param {string} path */
const anonymous = (path) => fetch(`${tenants.keys.main.endpoint}/${path}`);

describe('canned ACLs and public access with real clients', () => {
  it('boto3: create_bucket/put_object ACL, get/put_bucket_acl, an AccessControlPolicy, public access block', async () => {
    const { main, other } = tenants.keys;
    const config = { endpoint: main.endpoint, bucket: 'boto3-acl', keys: { main, other } };
    const r = await run(PYTHON, [SCRIPT], { env: awsEnv(home, null), input: JSON.stringify(config) });
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.bucket_grants).toEqual([
      [ALL_USERS, 'READ'],
      [OWNER, 'FULL_CONTROL'],
    ]);
    expect(out.anonymous_get).toEqual([200, '<h1>public</h1>']);
    expect([out.anonymous_list_status, out.anonymous_put_status]).toEqual([200, 403]);
    expect(out.object_grants).toEqual([
      [ALL_USERS, 'READ'],
      [OWNER, 'FULL_CONTROL'],
    ]);
    expect(out.anonymous_one).toEqual([200, 'just this one']);
    expect(out.anonymous_index_status).toBe(403);
    expect([out.other_project_read, out.other_project_put]).toEqual(['<h1>public</h1>', 'AccessDenied']);
    expect(out.policy_grants).toEqual([
      [ALL_USERS, 'READ'],
      [OWNER, 'FULL_CONTROL'],
    ]);
    expect(out.no_block).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(out.block).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    expect(out.blocked_put_acl).toBe('AccessDenied');
    expect([out.ignored_anonymous_status, out.unblocked_anonymous_status]).toEqual([403, 200]);
  });

  it('aws CLI: s3 cp --acl public-read, s3api get-object-acl / put-bucket-acl / get-bucket-acl', async () => {
    const make = await aws(['s3api', 'create-bucket', '--bucket', 'cli-acl']);
    expect(make.code, describeRun(make)).toBe(0);
    fs.writeFileSync(path.join(work, 'page.html'), '<p>from the aws CLI</p>');
    const cp = await aws(['s3', 'cp', 'page.html', 's3://cli-acl/page.html', '--acl', 'public-read']);
    expect(cp.code, describeRun(cp)).toBe(0);
    expect(await (await anonymous('cli-acl/page.html')).text()).toBe('<p>from the aws CLI</p>');
    const objectAcl = JSON.parse(
      (await aws(['s3api', 'get-object-acl', '--bucket', 'cli-acl', '--key', 'page.html'])).stdout,
    );
    expect(objectAcl.Grants.map((g) => [g.Grantee.URI ?? g.Grantee.Type, g.Permission])).toEqual([
      ['CanonicalUser', 'FULL_CONTROL'],
      [ALL_USERS, 'READ'],
    ]);
    // Not the bucket: a private bucket lists to nobody but its project.
    expect((await anonymous('cli-acl')).status).toBe(403);
    const put = await aws(['s3api', 'put-bucket-acl', '--bucket', 'cli-acl', '--acl', 'authenticated-read']);
    expect(put.code, describeRun(put)).toBe(0);
    const bucketAcl = JSON.parse((await aws(['s3api', 'get-bucket-acl', '--bucket', 'cli-acl'])).stdout);
    expect(bucketAcl.Grants.map((g) => [g.Grantee.URI ?? g.Grantee.Type, g.Permission])).toEqual([
      ['CanonicalUser', 'FULL_CONTROL'],
      [AUTHENTICATED, 'READ'],
    ]);
    const grant = await aws(['s3api', 'put-bucket-acl', '--bucket', 'cli-acl', '--grant-read', 'id=someone']);
    expect(grant.code).not.toBe(0);
    expect(grant.stderr).toContain('NotImplemented');
  });
});
