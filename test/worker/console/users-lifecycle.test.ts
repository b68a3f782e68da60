import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deleteUserKeepingAnAdmin, disableUserKeepingAnAdmin } from '../../../src/db/users';
import { clearKeyCache } from '../../../src/s3/auth/authenticate';
import { ADMIN, bootstrapAdmin, ConsoleClient, memberOf } from '../console-client';
import { S3TestClient, xmlText } from '../s3/s3-fixtures';
import { ownKey, unique, world } from './fixtures';

const passwordOf = (email: string) => `password-${email}`; // what memberOf gives each user

async function s3Status(key: { key: any; secretAccessKey: string }) {
  const res = await new S3TestClient(key.key.accessKeyId, key.secretAccessKey, 'thailand-1').fetch('/');
  return [res.status, res.status === 200 ? null : xmlText(await res.text(), 'Code')];
}

async function login(email: string, password: string) {
  return new ConsoleClient().post('/auth/login', { email, password });
}

// Storage is shared by the tests of this file: the last-admin rule runs first, while root is the only admin.
describe('the last enabled system admin', () => {
  it('cannot be disabled or deleted, even by a racing admin (the rule is in the same statement as the write)', async () => {
    const admin = await bootstrapAdmin();
    const root = (await admin.get('/me')).body.user;
    expect(await disableUserKeepingAnAdmin(env.DB, root.id, Date.now())).toBe(false);
    expect(await deleteUserKeepingAnAdmin(env.DB, root.id)).toBe(false);
    expect((await admin.get('/me')).status).toBe(200); // nothing happened: root and the session are there
  });

  it('refuses an admin disabling or deleting their own account, with a clear message', async () => {
    const admin = await bootstrapAdmin();
    const res = await admin.patch(`/users/${encodeURIComponent(ADMIN.email)}`, { disabled: true });
    expect([res.status, res.body.error.message]).toEqual([403, 'You cannot disable your own account']);
    const del = await admin.delete(`/users/${encodeURIComponent(ADMIN.email)}`);
    expect([del.status, del.body.error.message]).toEqual([403, 'You cannot delete your own account']);
  });

  it('lets another admin go while one stays', async () => {
    const admin = await bootstrapAdmin();
    const email = `${unique('sa')}@example.com`;
    const created = await admin.post('/users', { email, password: 'second-admin-password', isAdmin: true });
    expect(created.status).toBe(201);
    const other = await ConsoleClient.login(email, 'second-admin-password');
    // The other admin may disable root: root is not the last enabled admin while they are one.
    const rootId = (await admin.get('/me')).body.user.id;
    expect((await other.patch(`/users/${rootId}`, { disabled: true })).status).toBe(200);
    // Now the other admin is the last enabled one.
    expect(await disableUserKeepingAnAdmin(env.DB, created.body.user.id, Date.now())).toBe(false);
    expect(await deleteUserKeepingAnAdmin(env.DB, created.body.user.id)).toBe(false);
    expect((await other.patch(`/users/${rootId}`, { disabled: false })).status).toBe(200);
    const root = await bootstrapAdmin(); // root's sessions ended when they were disabled
    expect((await root.delete(`/users/${created.body.user.id}`)).status).toBe(204);
    expect((await other.get('/me')).status).toBe(401);
  });
});

describe('disabling a user', () => {
  it("ends their sessions, refuses their sign-in clearly, and stops their keys and their apps' keys", async () => {
    const w = await world();
    const email = `${unique('dis')}@example.com`;
    const person = await memberOf(w.admin, w.project, 'admin', email);
    const own = await ownKey(person.client, w.project);
    // An app this user created, and one another admin created.
    const theirApp = (await person.client.post(`/projects/${w.project}/apps`, { name: unique('their-app') })).body.app;
    expect(theirApp.createdBy).toBe(person.userId);
    const appKey = (
      await person.client.post(`/projects/${w.project}/keys`, { site: 'thailand-1', name: 'k', app: theirApp.name })
    ).body;
    const otherAppKey = (
      await w.padmin.client.post(`/projects/${w.project}/keys`, { site: 'thailand-1', name: 'k', app: w.app.name })
    ).body;
    for (const k of [own, appKey, otherAppKey]) expect(await s3Status(k)).toEqual([200, null]);

    const res = await w.admin.patch(`/users/${person.userId}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email, disabled: true });
    expect(res.body.user.disabledAt).toMatch(/^\d{4}-/);

    expect((await person.client.get('/me')).status).toBe(401);
    const refused = await login(email, passwordOf(email));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'account_disabled']);
    expect(refused.body.error.message).toBe('This account is disabled: ask a system administrator to enable it');
    expect(refused.headers.get('Set-Cookie')).toBeNull();
    // A wrong password says nothing about the account being disabled.
    const wrong = await login(email, 'not-the-password-at-all');
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_credentials']);

    clearKeyCache(); // as after KEY_CACHE_MS (5 s)
    expect(await s3Status(own)).toEqual([403, 'AccessDenied']);
    expect(await s3Status(appKey)).toEqual([403, 'AccessDenied']);
    expect(await s3Status(otherAppKey)).toEqual([200, null]);

    const listed = (await w.admin.get('/users')).body.users.find((u: any) => u.email === email);
    expect(listed.disabled).toBe(true);

    const enabled = await w.admin.patch(`/users/${encodeURIComponent(email)}`, { disabled: false });
    expect([enabled.status, enabled.body.user.disabled, enabled.body.user.disabledAt]).toEqual([200, false, null]);
    expect((await login(email, passwordOf(email))).status).toBe(200);
    clearKeyCache();
    expect(await s3Status(own)).toEqual([200, null]);
    expect(await s3Status(appKey)).toEqual([200, null]);
  });

  it('is for system admins only, and validates the body', async () => {
    const w = await world();
    for (const c of [w.padmin.client, w.member.client, w.outsider.client]) {
      const res = await c.patch(`/users/${w.member.userId}`, { disabled: true });
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
      expect((await c.delete(`/users/${w.member.userId}`)).status).toBe(403);
      expect((await c.put(`/users/${w.member.userId}/password`, { password: 'whatever-new-password' })).status).toBe(
        403,
      );
    }
    expect((await w.member.client.get('/me')).status).toBe(200);
    const bad = await w.admin.patch(`/users/${w.member.userId}`, { disabled: 'yes' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    const unknown = await w.admin.patch('/users/nobody@example.com', { disabled: true });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
  });
});

describe('deleting a user', () => {
  it('deletes their sessions, own keys and memberships; their buckets stay with the project', async () => {
    const w = await world();
    const email = `${unique('del')}@example.com`;
    const person = await memberOf(w.admin, w.project, 'admin', email);
    const own = await ownKey(person.client, w.project);
    const bucket = unique('kept');
    expect(
      (await person.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name: bucket })).status,
    ).toBe(201);
    const app = (await person.client.post(`/projects/${w.project}/apps`, { name: unique('app') })).body.app;

    expect((await w.admin.delete(`/users/${encodeURIComponent(email)}`)).status).toBe(204);

    expect((await person.client.get('/me')).status).toBe(401);
    expect((await login(email, passwordOf(email))).status).toBe(401);
    expect((await w.admin.get('/users')).body.users.map((u: any) => u.email)).not.toContain(email);
    const members = (await w.admin.get(`/projects/${w.project}/members`)).body.members;
    expect(members.map((m: any) => m.userId)).not.toContain(person.userId);
    clearKeyCache();
    expect(await s3Status(own)).toEqual([403, 'InvalidAccessKeyId']);
    // The bucket is the project's: another member with a key there still sees it.
    await ownKey(w.padmin.client, w.project);
    const buckets = (await w.padmin.client.get(`/projects/${w.project}/buckets`)).body.buckets;
    expect(buckets.map((b: any) => b.name)).toContain(bucket);
    // The app stays, with no creator on record.
    const apps = (await w.admin.get(`/projects/${w.project}/apps`)).body.apps;
    expect(apps.find((a: any) => a.id === app.id)).toMatchObject({ createdBy: null });
    // The email is free again.
    expect((await w.admin.post('/users', { email, password: 'a-fresh-password-here' })).status).toBe(201);
  });
});

describe('resetting a password', () => {
  it('sets the new password and ends every session of the user', async () => {
    const w = await world();
    const email = `${unique('reset')}@example.com`;
    const person = await memberOf(w.admin, w.project, 'member', email);
    const weak = await w.admin.put(`/users/${person.userId}/password`, { password: 'password1234' });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'invalid_input']);
    expect(weak.body.error.message).toMatch(/too common/);
    const res = await w.admin.put(`/users/${encodeURIComponent(email)}/password`, { password: 'new-reset-password' });
    expect([res.status, res.body.user.email]).toEqual([200, email]);
    expect((await person.client.get('/me')).status).toBe(401);
    expect((await login(email, passwordOf(email))).status).toBe(401);
    expect((await login(email, 'new-reset-password')).status).toBe(200);
  });
});

describe("changing one's own password", () => {
  it('needs the current password, applies the policy, and ends the other sessions only', async () => {
    const w = await world();
    const email = `${unique('own')}@example.com`;
    const here = await memberOf(w.admin, w.project, 'member', email);
    const elsewhere = await ConsoleClient.login(email, passwordOf(email));

    const wrong = await here.client.put('/me/password', {
      currentPassword: 'wrong-password-x',
      newPassword: 'x'.repeat(20),
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_password']);
    for (const [newPassword, message] of [
      ['short-one', 'The password must be at least 12 characters'],
      ['Password-2024!', 'This password is too common: choose another (a few unrelated words make a good one)'],
      [email, 'The password must not be your email address'],
    ]) {
      const res = await here.client.put('/me/password', { currentPassword: passwordOf(email), newPassword });
      expect([res.status, res.body.error.message]).toEqual([400, message]);
    }
    expect((await elsewhere.get('/me')).status).toBe(200); // nothing changed yet

    const res = await here.client.put('/me/password', {
      currentPassword: passwordOf(email),
      newPassword: 'orange-kettle-river',
    });
    expect([res.status, res.body.endedSessions]).toEqual([200, 1]);
    expect((await here.client.get('/me')).status).toBe(200);
    expect((await elsewhere.get('/me')).status).toBe(401);
    expect((await login(email, passwordOf(email))).status).toBe(401);
    expect((await login(email, 'orange-kettle-river')).status).toBe(200);
  });

  it('needs the CSRF token like every change', async () => {
    const w = await world();
    const res = await w.member.client.call(
      'PUT',
      '/me/password',
      { currentPassword: 'a', newPassword: 'b' },
      {
        'X-CSRF-Token': 'wrong',
      },
    );
    expect([res.status, res.body.error.code]).toEqual([403, 'csrf']);
  });
});

describe('the password policy', () => {
  it('applies to new users: length, common passwords, the email', async () => {
    const admin = await bootstrapAdmin();
    const email = `${unique('pol')}@example.com`;
    for (const password of ['eleven-char', 'qwerty123456', 'Welcome-2025!!', '123456789012', 'aaaaaaaaaaaaaa', email]) {
      const res = await admin.post('/users', { email, password });
      expect([password, res.status, res.body.error?.code]).toEqual([password, 400, 'invalid_input']);
    }
    expect((await admin.post('/users', { email, password: 'twelve-chars' })).status).toBe(201);
  });
});
