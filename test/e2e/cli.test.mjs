// End-to-end: the real `ros` CLI, as a child process, against a real server started as `npm start` does.
// Fresh state dir, free port and a temp config/home dir, so neither the developer's ROS state nor their saved
// sessions are touched. The steps share state and run in order.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRos } from '../../bin/lib/local-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROS = path.join(ROOT, 'bin', 'ros');

/** @type {Awaited<ReturnType<typeof startRos>>} */
let ros;
let stateDir;
let homeDir;
let port;

const BOB = { email: 'bob@example.com', password: 'bob-password-123', name: 'Bob Builder' };
const PROJECT = 'Photo Archive'; // a space, so every project path segment must be URL-encoded
const APP = 'uploader';
const BUCKET = 'holiday-photos';

/**
 * Runs `ros ...args`; never rejects, so failures can be asserted on.
 * @param {string[]} args
 * @param {Record<string, string>} [env] extra environment
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function ros_(args, env = {}) {
  const base = { ...process.env };
  for (const k of ['ROS_URL', 'ROS_EMAIL', 'ROS_PASSWORD']) delete base[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ROS, ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...base, ROS_URL: ros.consoleUrl, HOME: homeDir, XDG_CONFIG_HOME: path.join(homeDir, 'config'), ...env },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Runs and expects success; returns stdout (parsed with --json). */
async function ok(args, env) {
  const r = await ros_(args, env);
  expect(r.code, `ros ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return args.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
}

/** Runs and expects an API failure: exit 1 and `ros: ... (<code>)` on stderr. */
async function fails(args, code, env) {
  const r = await ros_(args, env);
  expect(r.code, `ros ${args.join(' ')} should fail\n${r.stdout}`).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^ros: .*\\(${code}\\)$`, 'm'));
  return r;
}

const sessionsPath = () => path.join(homeDir, 'config', 'ros', 'sessions.json');

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-'));
  homeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-home-'));
  port = await freePort();
  ros = await startRos({ port, stateDir, quiet: true });
});

afterAll(async () => {
  await ros?.stop();
  for (const dir of [stateDir, homeDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ros CLI', () => {
  const ids = { project: '', myKey: '', appKey: '', appSecret: '' };

  it('prints help, and refuses unknown commands and options with exit 2', async () => {
    expect(await ok(['--help'])).toContain('ros key create');
    expect(await ok(['key', 'create', '--help'])).toMatch(/--project PROJECT/);
    const unknown = await ros_(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^ros: unknown command .*\(usage\)$/m);
    const badOption = await ros_(['project', 'list', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--bogus');
    const missing = await ros_(['key', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--project');
  });

  it('says it is not signed in before login', async () => {
    const r = await fails(['project', 'list'], 'unauthenticated');
    expect(r.stderr).toContain('ros login');
  });

  it('logs in as the bootstrap admin and saves the session privately', async () => {
    const out = await ok(['login', '--email', ros.admin.email, '--password', ros.admin.password]);
    expect(out).toContain(ros.admin.email);
    const file = sessionsPath();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'))[ros.consoleUrl];
    expect(saved.cookie).toMatch(/^ros_session=.+/);
    expect(saved.csrfToken).toBeTruthy();
    expect(JSON.stringify(saved)).not.toContain(ros.admin.password);
    expect((await ok(['whoami', '--json'])).email).toBe(ros.admin.email);
  });

  it('lists the two dev sites', async () => {
    const sites = await ok(['site', 'list', '--json']);
    expect(Array.isArray(sites)).toBe(true);
    expect(sites.map((s) => [s.id, s.endpoint])).toEqual([
      ['thailand-1', `http://127.0.0.2:${port}`],
      ['finland-1', `http://127.0.0.3:${port}`],
    ]);
    for (const s of sites) expect(s.name).toBeTruthy();
    const table = await ok(['site', 'list']);
    expect(table).toMatch(/^ID\s+NAME\s+ENDPOINT$/m);
    expect(table).toContain(`http://127.0.0.3:${port}`);
  });

  it('creates a second user', async () => {
    const user = await ok([
      'user',
      'create',
      '--email',
      BOB.email,
      '--password',
      BOB.password,
      '--name',
      BOB.name,
      '--json',
    ]);
    expect(user).toMatchObject({ email: BOB.email, name: BOB.name, isAdmin: false });
    expect(await ok(['user', 'list'])).toContain(BOB.email);
  });

  it('creates and lists a project', async () => {
    const project = await ok(['project', 'create', PROJECT, '--json']);
    expect(project).toMatchObject({ name: PROJECT, role: 'admin' });
    ids.project = project.id;
    const projects = await ok(['project', 'list', '--json']);
    expect(projects.map((p) => p.name)).toContain(PROJECT);
    expect(await ok(['project', 'list'])).toMatch(new RegExp(`^${PROJECT}\\s+${ids.project}\\s+admin`, 'm'));
  });

  it('adds the second user as a member', async () => {
    const member = await ok([
      'member',
      'add',
      '--project',
      PROJECT,
      '--email',
      BOB.email,
      '--role',
      'member',
      '--json',
    ]);
    expect(member).toMatchObject({ email: BOB.email, role: 'member' });
    const members = await ok(['member', 'list', '--project', ids.project, '--json']);
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual(
      [
        [ros.admin.email, 'admin'],
        [BOB.email, 'member'],
      ].sort(),
    );
  });

  it('creates an app', async () => {
    expect(await ok(['app', 'create', '--project', PROJECT, APP, '--json'])).toMatchObject({ name: APP });
    expect(await ok(['app', 'list', '--project', PROJECT])).toMatch(new RegExp(`^${APP}\\s`, 'm'));
  });

  it('creates an own key and shows its secret once', async () => {
    const key = await ok(['key', 'create', '--project', PROJECT, '--site', 'thailand-1', '--name', 'laptop', '--json']);
    expect(key.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    expect(key).toMatchObject({
      site: 'thailand-1',
      endpoint: `http://127.0.0.2:${port}`,
      name: 'laptop',
      owner: { type: 'user' },
    });
    ids.myKey = key.accessKeyId;
  });

  it('creates an app key (human output names the secret as shown once)', async () => {
    // By site name rather than id: the CLI resolves it.
    const out = await ok([
      'key',
      'create',
      '--project',
      PROJECT,
      '--site',
      'Helsinki, Finland',
      '--name',
      'ci',
      '--app',
      APP,
    ]);
    const id = /Access key ID:\s+([A-Z0-9]{20})$/m.exec(out)?.[1];
    const secret = /Secret access key:\s+(\S{40})$/m.exec(out)?.[1];
    expect(id).toBeTruthy();
    expect(secret).toBeTruthy();
    expect(out).toMatch(/shown only this once/);
    expect(out).toContain(`http://127.0.0.3:${port}`);
    ids.appKey = id;
    ids.appSecret = secret;
  });

  it('lists both keys, in their groups, without secrets', async () => {
    const table = await ok(['key', 'list', '--project', PROJECT]);
    expect(table).toMatch(/^KIND\s+ACCESS KEY ID\s+NAME\s+OWNER\s+SITE\s+STATUS/m);
    expect(table).toMatch(new RegExp(`^my key\\s+${ids.myKey}\\s+laptop\\s+.*thailand-1\\s+active`, 'm'));
    expect(table).toMatch(new RegExp(`^app key\\s+${ids.appKey}\\s+ci\\s+app ${APP}\\s+finland-1\\s+active`, 'm'));
    expect(table).not.toContain(ids.appSecret);

    const r = await ros_(['key', 'list', '--project', PROJECT, '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ids.appSecret);
    const keys = JSON.parse(r.stdout);
    expect(keys.map((k) => [k.accessKeyId, k.owner.type]).sort()).toEqual(
      [
        [ids.myKey, 'user'],
        [ids.appKey, 'app'],
      ].sort(),
    );
    for (const k of keys) expect(k).not.toHaveProperty('secretAccessKey');
  });

  it('creates a bucket where the admin holds a key, and lists it with the other site hidden', async () => {
    const bucket = await ok(['bucket', 'create', '--project', PROJECT, '--site', 'thailand-1', BUCKET, '--json']);
    expect(bucket).toMatchObject({ name: BUCKET, site: 'thailand-1', endpoint: `http://127.0.0.2:${port}` });

    const table = await ok(['bucket', 'list', '--project', PROJECT]);
    expect(table).toMatch(new RegExp(`^${BUCKET}\\s+thailand-1\\s+http://127\\.0\\.0\\.2:${port}`, 'm'));
    expect(table).toMatch(/^Hidden: .*\(finland-1\)/m);

    const r = await ros_(['bucket', 'list', '--project', PROJECT, '--json']);
    expect(JSON.parse(r.stdout).map((b) => b.name)).toEqual([BUCKET]);
    expect(r.stderr).toContain('finland-1');
  });

  it('makes the bucket public, shares an object, and blocks public access', async () => {
    const where = ['--project', PROJECT, '--site', 'thailand-1'];
    const url = (key) => `http://127.0.0.2:${port}/${BUCKET}/${key}`;
    const access = await ok(['bucket', 'access', ...where, BUCKET, '--acl', 'public-read-write', '--json']);
    expect(access).toMatchObject({
      acl: 'public-read-write',
      effective: { anyoneCanRead: true, anyoneCanWrite: true },
    });
    expect(await ok(['bucket', 'access', ...where, BUCKET])).toContain('public: anyone can read and write');
    // Anyone may write now: an unsigned PUT, as a browser would send it.
    expect((await fetch(url('shared.txt'), { method: 'PUT', body: 'shared bytes' })).status).toBe(200);

    const share = await ok([
      'object',
      'share',
      ...where,
      '--bucket',
      BUCKET,
      '--key',
      'shared.txt',
      '--expires',
      '2h',
      '--json',
    ]);
    expect(new URL(share.url).searchParams.get('X-Amz-Expires')).toBe('7200');
    expect(await (await fetch(share.url)).text()).toBe('shared bytes');
    await fails(
      ['object', 'share', ...where, '--bucket', BUCKET, '--key', 'shared.txt', '--expires', '8d'],
      'invalid_input',
    );
    const acl = await ok([
      'object',
      'acl',
      ...where,
      '--bucket',
      BUCKET,
      '--key',
      'shared.txt',
      '--acl',
      'public-read',
      '--json',
    ]);
    expect(acl).toMatchObject({ key: 'shared.txt', acl: 'public-read' });

    const ignored = await ok(['bucket', 'public-access-block', ...where, BUCKET, '--ignore-public-acls', '--json']);
    expect(ignored.publicAccessBlock).toEqual({
      blockPublicAcls: false,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    expect((await fetch(url('shared.txt'))).status).toBe(403);
    await ok(['bucket', 'public-access-block', ...where, BUCKET, '--remove']);
    expect((await ok(['project', 'public-access', '--project', PROJECT, '--block', '--json'])).blockPublicAccess).toBe(
      true,
    );
    expect((await fetch(url('shared.txt'))).status).toBe(403);
    await fails(['bucket', 'access', ...where, BUCKET, '--acl', 'public-read'], 'public_access_blocked');
    await ok(['project', 'public-access', '--project', PROJECT, '--allow']);
    expect((await fetch(url('shared.txt'), { method: 'DELETE' })).status).toBe(204);
    await ok(['bucket', 'access', ...where, BUCKET, '--acl', 'private']);
  });

  it("sets, shows and removes the bucket's CORS rules, from the API's JSON, AWS's JSON or S3's XML", async () => {
    const where = ['--project', PROJECT, '--site', 'thailand-1', BUCKET];
    const file = (name, text) => {
      const at = path.join(homeDir, name);
      fs.writeFileSync(at, text);
      return at;
    };
    expect(await ok(['bucket', 'cors', 'get', ...where])).toBe(`Bucket ${BUCKET} has no CORS rules.\n`);
    expect(await ok(['bucket', 'cors', 'get', ...where, '--json'])).toEqual([]);

    // What `aws s3api put-bucket-cors --cors-configuration file://cors.json` takes.
    const aws = file(
      'cors.json',
      JSON.stringify({
        CORSRules: [
          {
            ID: 'web app',
            AllowedOrigins: ['https://app.example.com'],
            AllowedMethods: ['GET', 'PUT'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 3000,
          },
        ],
      }),
    );
    const set = await ok(['bucket', 'cors', 'set', ...where, '--file', aws, '--json']);
    const webApp = {
      id: 'web app',
      allowedOrigins: ['https://app.example.com'],
      allowedMethods: ['GET', 'PUT'],
      allowedHeaders: ['*'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 3000,
    };
    expect(set).toEqual([webApp]);
    const shown = await ok(['bucket', 'cors', 'get', ...where]);
    expect(shown).toMatch(/^ID\s+ORIGINS\s+METHODS\s+HEADERS\s+EXPOSED\s+MAX AGE$/m);
    expect(shown).toMatch(/^web app\s+https:\/\/app\.example\.com\s+GET, PUT\s+\*\s+ETag\s+3000$/m);

    const xml = file(
      'cors.xml',
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>' +
        '<MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    );
    expect(await ok(['bucket', 'cors', 'set', ...where, '--file', xml, '--json'])).toEqual([
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [], maxAgeSeconds: 60 },
    ]);
    const own = file('rules.json', JSON.stringify({ rules: [webApp] }));
    expect(await ok(['bucket', 'cors', 'set', ...where, '--file', own, '--json'])).toEqual([webApp]);

    // The server's checks, with S3's words; and a file the CLI cannot read as rules at all.
    const patch = file('patch.json', JSON.stringify({ rules: [{ allowedOrigins: ['*'], allowedMethods: ['PATCH'] }] }));
    const refused = await fails(['bucket', 'cors', 'set', ...where, '--file', patch], 'invalid_cors_rule');
    expect(refused.stderr).toContain('Unsupported method is PATCH');
    const junk = await ros_(['bucket', 'cors', 'set', ...where, '--file', file('junk.json', '{"CORS": 1}')]);
    expect([junk.code, junk.stderr]).toEqual([2, expect.stringContaining('holds no CORS rules')]);
    expect(await ok(['bucket', 'cors', 'get', ...where, '--json'])).toEqual([webApp]);

    expect(await ok(['bucket', 'cors', 'delete', ...where])).toBe(
      `Removed the CORS rules of bucket ${BUCKET} at thailand-1.\n`,
    );
    expect(await ok(['bucket', 'cors', 'get', ...where, '--json'])).toEqual([]);
    expect(await ok(['bucket', 'cors', '--help'])).toContain('ros bucket cors set');
    const typo = await ros_(['bucket', 'cors', 'show', ...where]);
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringContaining('unknown command `ros bucket cors show`')]);
  });

  it("sets, shows and removes a bucket's tags and an object's", async () => {
    const where = ['--project', PROJECT, '--site', 'thailand-1'];
    expect(await ok(['bucket', 'tags', 'get', ...where, BUCKET])).toBe(`Bucket ${BUCKET} has no tags.\n`);
    expect(
      await ok(['bucket', 'tags', 'set', ...where, BUCKET, '--tags', 'team=ops&cost+center=42', '--json']),
    ).toEqual([
      { key: 'team', value: 'ops' },
      { key: 'cost center', value: '42' },
    ]);
    expect(await ok(['bucket', 'tags', 'get', ...where, BUCKET])).toMatch(/^team\s+ops$/m);
    const tooMany = Array.from({ length: 51 }, (_, i) => `k${i}=`).join('&');
    const refused = await fails(['bucket', 'tags', 'set', ...where, BUCKET, '--tags', tooMany], 'too_many_tags');
    expect(refused.stderr).toContain('Bucket tags cannot be greater than 50');
    expect(await ok(['bucket', 'tags', 'delete', ...where, BUCKET])).toBe(
      `Removed the tags of bucket ${BUCKET} at thailand-1.\n`,
    );
    expect(await ok(['bucket', 'tags', 'get', ...where, BUCKET, '--json'])).toEqual([]);

    // An object to tag, written as anyone may write to a public-read-write bucket.
    const url = `http://127.0.0.2:${port}/${BUCKET}/tagged.txt`;
    await ok(['bucket', 'access', ...where, BUCKET, '--acl', 'public-read-write']);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(200);
    const object = [...where, '--bucket', BUCKET, '--key', 'tagged.txt'];
    expect(await ok(['object', 'tags', 'get', ...object])).toBe('tagged.txt has no tags.\n');
    expect(await ok(['object', 'tags', 'set', ...object, '--tags', 'stage=raw&empty'])).toMatch(
      /^tagged\.txt has 2 tag\(s\) now:\n/,
    );
    expect(await ok(['object', 'tags', 'get', ...object, '--json'])).toEqual([
      { key: 'stage', value: 'raw' },
      { key: 'empty', value: '' },
    ]);
    await fails(['object', 'tags', 'set', ...object, '--tags', 'a,b=1'], 'invalid_tag');
    const missing = await ros_(['object', 'tags', 'set', ...object]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--tags is needed')]);
    expect(await ok(['object', 'tags', 'delete', ...object])).toBe('Removed the tags of tagged.txt.\n');
    expect(await ok(['object', 'tags', 'get', ...object, '--json'])).toEqual([]);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    await ok(['bucket', 'access', ...where, BUCKET, '--acl', 'private']);
  });

  it('creates a scoped, expiring key, lists its limits, disables and enables it', async () => {
    const create = ['key', 'create', '--project', PROJECT, '--site', 'thailand-1'];
    const scoped = await ok([
      ...create,
      '--name',
      'reader',
      '--read-only',
      '--bucket',
      BUCKET,
      '--prefix',
      'docs/',
      '--expires',
      '30d',
      '--json',
    ]);
    expect(scoped).toMatchObject({
      readOnly: true,
      buckets: [BUCKET],
      prefix: 'docs/',
      status: 'active',
      expired: false,
    });
    const left = Date.parse(scoped.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(30 * 86400_000 - 120_000);
    expect(left).toBeLessThanOrEqual(30 * 86400_000);
    const human = await ok([...create, '--name', 'until-2030', '--expires', '2030-01-31T12:00:00Z']);
    expect(human).toMatch(/^ {2}Limits: {13}Read-write · all buckets · expires in \d+ days$/m);
    const until2030 = /Access key ID:\s+([A-Z0-9]{20})$/m.exec(human)?.[1];

    const line = (table, id) => table.split('\n').find((l) => l.includes(id)) ?? '';
    const listed = line(await ok(['key', 'list', '--project', PROJECT]), scoped.accessKeyId);
    expect(listed).toMatch(new RegExp(`\\sactive\\s+Read-only · bucket ${BUCKET} · docs/ · expires in 30 days\\s`));
    const json = (await ok(['key', 'list', '--project', PROJECT, '--json'])).find(
      (k) => k.accessKeyId === scoped.accessKeyId,
    );
    expect(json).toMatchObject({ readOnly: true, buckets: [BUCKET], prefix: 'docs/', expiresAt: scoped.expiresAt });

    const disabled = await ok(['key', 'disable', '--project', PROJECT, scoped.accessKeyId, '--json']);
    expect(disabled).toMatchObject({ status: 'inactive', readOnly: true, buckets: [BUCKET] });
    expect(line(await ok(['key', 'list', '--project', PROJECT]), scoped.accessKeyId)).toMatch(/\sdisabled\s/);
    expect(await ok(['key', 'enable', '--project', PROJECT, scoped.accessKeyId])).toMatch(
      new RegExp(`^Enabled access key ${scoped.accessKeyId}\\. Read-only · bucket ${BUCKET} · docs/`),
    );

    await fails([...create, '--name', 'x', '--bucket', 'no-such-bucket'], 'invalid_input');
    await fails([...create, '--name', 'x', '--expires', '2020-01-01T00:00:00Z'], 'invalid_input');
    const badWhen = await ros_([...create, '--name', 'x', '--expires', 'soon']);
    expect([badWhen.code, badWhen.stderr]).toEqual([
      2,
      expect.stringContaining('--expires soon: not a time or a duration'),
    ]);
    await fails(['key', 'disable', '--project', PROJECT, 'AKNOSUCHKEY000000000'], 'not_found');
    for (const id of [scoped.accessKeyId, until2030]) await ok(['key', 'delete', '--project', PROJECT, id]);
  });

  it('deletes the bucket', async () => {
    await ok(['bucket', 'delete', '--project', PROJECT, '--site', 'thailand-1', BUCKET]);
    expect(await ok(['bucket', 'list', '--project', PROJECT, '--json'])).toEqual([]);
  });

  it('deletes the own key', async () => {
    await ok(['key', 'delete', '--project', PROJECT, ids.myKey]);
    const table = await ok(['key', 'list', '--project', PROJECT]);
    expect(table).not.toContain(ids.myKey);
    expect(table).toContain(ids.appKey);
  });

  it('reports API refusals with their codes', async () => {
    const bad = await fails(
      ['bucket', 'create', '--project', PROJECT, '--site', 'thailand-1', 'Bad_Name'],
      'invalid_bucket_name',
    );
    expect(bad.stdout).toBe('');
    // The admin holds no key of their own at finland-1 (the app's key there does not count).
    await fails(['bucket', 'create', '--project', PROJECT, '--site', 'finland-1', 'fine-name'], 'no_key_for_site');
    await fails(['app', 'list', '--project', 'no such project'], 'not_found');
    await fails(['key', 'delete', '--project', PROJECT, 'AKNOSUCHKEY000000000'], 'not_found');
  });

  it('lets a member sign in from the environment, without saving a session, and refuses admin actions', async () => {
    const asBob = { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password };
    expect((await ok(['whoami', '--json'], asBob)).email).toBe(BOB.email);
    expect(await ok(['project', 'list'], asBob)).toMatch(new RegExp(`^${PROJECT}\\s+\\S+\\s+member`, 'm'));
    await fails(['app', 'create', '--project', PROJECT, 'bobs-app'], 'forbidden', asBob);
    await fails(['user', 'list'], 'forbidden', asBob);
    await fails(['whoami'], 'invalid_credentials', { ...asBob, ROS_PASSWORD: 'wrong-password' });
    expect(Object.keys(JSON.parse(fs.readFileSync(sessionsPath(), 'utf8')))).toEqual([ros.consoleUrl]);
  });

  it('removes a member by email', async () => {
    await ok(['member', 'remove', '--project', PROJECT, '--email', BOB.email]);
    expect((await ok(['member', 'list', '--project', PROJECT, '--json'])).map((m) => m.email)).toEqual([
      ros.admin.email,
    ]);
    await fails(['member', 'remove', '--project', PROJECT, '--email', BOB.email], 'not_found');
  });

  it('deletes the app and its key', async () => {
    await ok(['app', 'delete', '--project', PROJECT, APP]);
    expect(await ok(['key', 'list', '--project', PROJECT, '--json'])).toEqual([]);
  });

  it('lists the audit log newest first, filtered and paged (ros audit list)', async () => {
    const all = await ok(['audit', 'list', '--project', PROJECT, '--json']);
    expect(all.events[0]).toMatchObject({ action: 'app.delete', target: expect.any(String) });
    expect(all.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['member.add', 'member.remove', 'key.create']),
    );
    const members = await ok(['audit', 'list', '--project', PROJECT, '--action', 'member.', '--json']);
    expect(members.events.length).toBeGreaterThan(0);
    expect(members.events.every((e) => e.action.startsWith('member.'))).toBe(true);
    const mine = await ok(['audit', 'list', '--project', PROJECT, '--actor', ros.admin.email, '--json']);
    expect(mine.events.length).toBe(all.events.length);
    expect((await ok(['audit', 'list', '--project', PROJECT, '--actor', BOB.email, '--json'])).events).toEqual([]);
    const page = await ok(['audit', 'list', '--project', PROJECT, '--limit', '2', '--json']);
    expect(page.events).toHaveLength(2);
    const next = await ok([
      'audit',
      'list',
      '--project',
      PROJECT,
      '--limit',
      '2',
      '--before',
      page.nextCursor,
      '--json',
    ]);
    expect(next.events[0].id).toBe(all.events[2].id);
    const human = await ok(['audit', 'list', '--project', PROJECT, '--limit', '2']);
    expect(human).toMatch(/^WHEN\s+ACTOR\s+ACTION\s+TARGET/m);
    expect(human).toContain('app.delete');
    expect(human).toContain('--before');
    // System-wide (admins): Bob's failed sign-in from the test above.
    const failures = await ok(['audit', 'list', '--action', 'auth.login.failure', '--actor', BOB.email, '--json']);
    expect(failures.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain('wrong-password');
    await fails(['audit', 'list', '--project', PROJECT, '--limit', '0'], 'invalid_input');
  });

  it('disables, enables and resets a user; the user changes their own password', async () => {
    const asBob = { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password };
    const disabled = await ok(['user', 'disable', '--email', BOB.email, '--json']);
    expect(disabled).toMatchObject({ email: BOB.email, disabled: true });
    await fails(['whoami'], 'account_disabled', asBob);
    expect(await ok(['user', 'list'])).toMatch(new RegExp(`^${BOB.email}\\s.*\\bdisabled\\b`, 'm'));
    expect(await ok(['user', 'enable', '--email', BOB.email])).toMatch(/^Enabled bob@example.com/);
    expect((await ok(['whoami', '--json'], asBob)).email).toBe(BOB.email);

    await fails(['user', 'set-password', '--email', BOB.email, '--password', 'password1234'], 'invalid_input');
    const reset = 'reset-by-the-admin';
    await ok(['user', 'set-password', '--email', BOB.email, '--password', reset, '--json']);
    await fails(['whoami'], 'invalid_credentials', asBob);
    const asReset = { ROS_EMAIL: BOB.email, ROS_PASSWORD: reset };
    await fails(['password', '--current', 'not-it-at-all', '--new', 'bob-chose-this-one'], 'wrong_password', asReset);
    const changed = await ok(['password', '--current', reset, '--new', 'bob-chose-this-one', '--json'], asReset);
    expect(changed).toMatchObject({ changed: true });
    expect(typeof changed.endedSessions).toBe('number');
    BOB.password = 'bob-chose-this-one';
    expect((await ok(['whoami', '--json'], { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password })).email).toBe(
      BOB.email,
    );
  });

  it('lists and revokes sessions', async () => {
    const asBob = { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password };
    // A session of Bob's elsewhere (an environment sign-in ends with its command, so it would not stay listed).
    const elsewhere = () =>
      fetch(`${ros.consoleUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'another-browser' },
        body: JSON.stringify({ email: BOB.email, password: BOB.password }),
      });
    expect((await elsewhere()).status).toBe(200);
    const sessions = await ok(['session', 'list', '--json'], asBob);
    expect(sessions).toHaveLength(2);
    const current = sessions.filter((x) => x.current);
    expect(current).toHaveLength(1);
    expect(current[0].client).toMatch(/^ros CLI \(Node\.js v\d+/);
    expect(current[0].address).toBe('127.0.0.1'); // wrangler dev sets CF-Connecting-IP to the client's address
    const other = sessions.find((x) => !x.current);
    expect(other.client).toBe('another-browser');
    expect(await ok(['session', 'revoke', other.id, '--json'], asBob)).toMatchObject({ id: other.id, revoked: true });
    await fails(['session', 'revoke', other.id], 'not_found', asBob);
    expect((await ok(['session', 'list', '--json'], asBob)).map((x) => x.current)).toEqual([true]);
    expect((await elsewhere()).status).toBe(200);
    expect(await ok(['session', 'revoke', '--others', '--json'], asBob)).toEqual({ endedSessions: 1 });
    expect((await ros_(['session', 'revoke'])).code).toBe(2);
    // The admin's own list: the saved session is the current one.
    expect(await ok(['session', 'list'])).toMatch(/ \*\s/);
  });

  it('turns self-service project creation off and on', async () => {
    const asBob = { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password };
    expect(await ok(['settings', 'get', '--json'])).toEqual({ selfServiceProjects: true });
    expect(await ok(['settings', 'set', 'self-service', 'off'])).toMatch(/off: only system admins/);
    await fails(['project', 'create', 'Bobs Own'], 'forbidden', asBob);
    await fails(['settings', 'set', 'self-service', 'on'], 'forbidden', asBob);
    expect((await ros_(['settings', 'set', 'self-service', 'maybe'])).code).toBe(2);
    expect(await ok(['settings', 'set', 'self-service', 'on', '--json'])).toEqual({ selfServiceProjects: true });
    expect((await ok(['project', 'create', 'Bobs Own', '--json'], asBob)).name).toBe('Bobs Own');
  });

  it('renames and deletes a project', async () => {
    const renamed = await ok(['project', 'rename', '--project', 'Bobs Own', '--to', 'Bobs Renamed', '--json']);
    expect(renamed.name).toBe('Bobs Renamed');
    await fails(['project', 'rename', '--project', 'Bobs Renamed', '--to', PROJECT], 'conflict');
    expect(await ok(['project', 'delete', 'Bobs Renamed', '--json'])).toEqual({
      project: 'Bobs Renamed',
      deleted: true,
    });
    expect((await ok(['project', 'list', '--json'])).map((p) => p.name)).not.toContain('Bobs Renamed');
  });

  it('deletes a user', async () => {
    expect(await ok(['user', 'delete', '--email', BOB.email, '--json'])).toEqual({ email: BOB.email, deleted: true });
    await fails(['whoami'], 'invalid_credentials', { ROS_EMAIL: BOB.email, ROS_PASSWORD: BOB.password });
    await fails(['user', 'delete', '--email', ros.admin.email], 'forbidden');
  });

  it('says "Session expired" when the saved session no longer works', async () => {
    const before = fs.readFileSync(sessionsPath(), 'utf8');
    // Logging in again ends the session it replaces; put the old one back to play an expired session.
    await ok(['login', '--email', ros.admin.email, '--password', ros.admin.password]);
    const current = fs.readFileSync(sessionsPath(), 'utf8');
    fs.writeFileSync(sessionsPath(), before);
    const r = await fails(['project', 'list'], 'unauthenticated');
    expect(r.stderr).toContain('Session expired: run `ros login`');
    fs.writeFileSync(sessionsPath(), current);
    await ok(['project', 'list']);
  });

  it('logs out; then commands ask to sign in', async () => {
    expect(await ok(['logout'])).toContain('Signed out');
    expect(JSON.parse(fs.readFileSync(sessionsPath(), 'utf8'))).toEqual({});
    const r = await fails(['project', 'list'], 'unauthenticated');
    expect(r.stderr).toMatch(/Not signed in to .*: run `ros login`/);
  });

  it('names the URL when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await fails(['site', 'list', '--url', url], 'network');
    expect(r.stderr).toContain(url);
  });
});
