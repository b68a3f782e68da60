// End-to-end: Signature Version 2 from real clients against a real server started as `npm start` does.
// - boto3 (sigv2_boto3.py beside this file): generate_presigned_url / generate_presigned_post as botocore makes
//   them by default (SigV2 for region us-east-1 or none; SigV4 for any other region such as "auto"), and a client
//   told signature_version="s3" (the `Authorization: AWS id:signature` header) for every operation ROS offers.
// - the aws CLI v1: `aws s3 presign` with no configuration (SigV2).
// - s3cmd --signature-v2: mb, put (multipart too), ls, get, info, del, rb.
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

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sigv2_boto3.py');
const PYTHON = resolveProgram('python3');
const AWS = resolveProgram('aws');
const S3CMD = resolveProgram('s3cmd');

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {ReturnType<typeof cleanAwsHome>} */
let home;
let work = '';

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  home = cleanAwsHome();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-sigv2-'));
});

afterAll(async () => {
  await ros?.stopAll();
  home?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('boto3 (botocore) SigV2', () => {
  it('default presigned URLs and POST, and a signature_version="s3" client for every operation', async () => {
    const { main } = tenants.keys;
    const input = JSON.stringify({ endpoint: main.endpoint, bucket: 'sigv2-boto3', key: main });
    const r = await run(PYTHON, [SCRIPT], { env: awsEnv(home, null, { region: null }), input, timeout: 120_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout);
    // What botocore 1.43 makes by default for a custom endpoint in us-east-1: SigV2 URLs and forms.
    expect(out.default_put_url_form).toBe('sigv2');
    expect(out.default_get_url_form).toBe('sigv2');
    expect(out.explicit_s3_url_form).toBe('sigv2');
    expect(out.auto_region_url_form).toBe('sigv4');
    expect(out.typed_url_has_content_type).toBe(true);
    expect(out.override).toEqual([200, 'attachment; filename="x y.txt"']);
    expect(out.post_fields).toEqual(['AWSAccessKeyId', 'key', 'policy', 'signature']);
    expect(out.tampered).toEqual([403, 'SignatureDoesNotMatch']);
    expect(out.expired).toEqual([403, 'AccessDenied', 'Request has expired', true]);
    // Every operation of the signature_version="s3" client went out as `Authorization: AWS …`.
    expect(out.schemes).toEqual(['AWS']);
    expect(Object.keys(out.authorization)).toEqual(
      expect.arrayContaining(['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']),
    );
    expect(out.errors).toEqual({ wrong_secret: ['SignatureDoesNotMatch', 403], missing: ['NoSuchKey', 404] });
  });
});

describe('aws CLI v1 SigV2', () => {
  it('`aws s3 presign` with no configuration makes a SigV2 URL that plain fetch can use', async () => {
    const { main } = tenants.keys;
    const env = awsEnv(home, main);
    const cp = await run(AWS, ['--endpoint-url', main.endpoint, 's3', 'mb', 's3://sigv2-cli'], { env });
    expect(cp.code, describeRun(cp)).toBe(0);
    fs.writeFileSync(path.join(work, 'cli.txt'), 'from the aws CLI\n');
    const put = await run(
      AWS,
      ['--endpoint-url', main.endpoint, 's3', 'cp', path.join(work, 'cli.txt'), 's3://sigv2-cli/a b.txt'],
      {
        env,
      },
    );
    expect(put.code, describeRun(put)).toBe(0);
    const presign = await run(
      AWS,
      ['--endpoint-url', main.endpoint, 's3', 'presign', 's3://sigv2-cli/a b.txt', '--expires-in', '300'],
      { env },
    );
    expect(presign.code, describeRun(presign)).toBe(0);
    const url = presign.stdout.trim();
    expect(url).toMatch(/[?&]AWSAccessKeyId=/);
    expect(url).toMatch(/[?&]Expires=\d+/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('from the aws CLI\n');
    const ranged = await fetch(url, { headers: { Range: 'bytes=5-7' } });
    expect([ranged.status, await ranged.text()]).toEqual([206, 'the']);
  });
});

describe('s3cmd --signature-v2', () => {
  /** @type {string} */
  let cfg;
  const s3cmd = (/** @type {string[]} */ args) =>
    run(S3CMD, ['--config', cfg, '--signature-v2', ...args], {
      env: awsEnv(home, null, { region: null }),
      cwd: work,
      timeout: 110_000,
    });
  const ok = async (/** @type {string[]} */ args) => {
    const r = await s3cmd(args);
    expect(r.code, describeRun(r)).toBe(0);
    return r;
  };

  beforeAll(() => {
    const key = tenants.keys.main;
    const host = new URL(key.endpoint).host;
    cfg = path.join(home.home, 's3cfg-v2');
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

  it('mb, put (one part and multipart), ls, get, info, del, rb — every request signed `AWS id:signature`', async () => {
    const made = await ok(['mb', 's3://sigv2-s3cmd', '-d']);
    expect(made.stderr).toMatch(/'Authorization': 'AWS [A-Z0-9]+:[A-Za-z0-9+/]+=*'/);
    expect(made.stderr).not.toContain('AWS4-HMAC-SHA256');

    const small = path.join(work, 'small.txt');
    fs.writeFileSync(small, 'small and signed v2\n');
    const big = path.join(work, 'six-mib.bin');
    fs.writeFileSync(big, Buffer.alloc(6 * 1024 * 1024, 7));
    await ok(['put', small, 's3://sigv2-s3cmd/dir/small file.txt']);
    const multi = await ok(['put', '--multipart-chunk-size-mb=5', big, 's3://sigv2-s3cmd/dir/six-mib.bin', '-d']);
    expect(multi.stderr).toMatch(/uploads/);
    expect(multi.stderr).toMatch(/partNumber=2/);
    expect(multi.stderr).not.toContain('AWS4-HMAC-SHA256');

    const listed = await ok(['ls', 's3://sigv2-s3cmd/dir/']);
    expect(listed.stdout).toContain('s3://sigv2-s3cmd/dir/small file.txt');
    expect(listed.stdout).toContain('s3://sigv2-s3cmd/dir/six-mib.bin');
    expect(listed.stdout).toMatch(/6291456\s+s3:\/\/sigv2-s3cmd\/dir\/six-mib\.bin/);

    const down = path.join(work, 'down.txt');
    await ok(['get', 's3://sigv2-s3cmd/dir/small file.txt', down]);
    expect(fs.readFileSync(down, 'utf8')).toBe('small and signed v2\n');
    const downBig = path.join(work, 'down.bin');
    await ok(['get', 's3://sigv2-s3cmd/dir/six-mib.bin', downBig]);
    expect(fs.readFileSync(downBig).equals(fs.readFileSync(big))).toBe(true);

    // info asks ?acl (and ?policy, ?cors): sub-resources s3cmd signs.
    const info = await ok(['info', 's3://sigv2-s3cmd/dir/small file.txt']);
    expect(info.stdout).toMatch(/ACL:\s+.*FULL_CONTROL/);

    await ok(['del', 's3://sigv2-s3cmd/dir/small file.txt']);
    await ok(['del', '--recursive', '--force', 's3://sigv2-s3cmd/dir/']);
    expect((await ok(['ls', 's3://sigv2-s3cmd/'])).stdout.trim()).toBe('');
    await ok(['rb', 's3://sigv2-s3cmd']);
  });

  it('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const wrong = path.join(home.home, 's3cfg-v2-wrong');
    fs.writeFileSync(wrong, fs.readFileSync(cfg, 'utf8').replace(/secret_key = .*/, `secret_key = ${'w'.repeat(40)}`));
    const r = await run(S3CMD, ['--config', wrong, '--signature-v2', 'ls'], {
      env: awsEnv(home, null, { region: null }),
      cwd: work,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
  });
});
