import { describe, expect, it } from 'vitest';
import { clearKeyCache } from '../../../src/s3/auth/authenticate';
import { bootstrapAdmin, memberOf } from '../console-client';
import { S3TestClient } from '../s3/s3-fixtures';
import { ownKey, unique, world } from './fixtures';

describe('users', () => {
  it('lets a system admin create users, and nobody else', async () => {
    const w = await world();
    const email = `${unique('new')}@example.com`;
    const created = await w.admin.post('/users', { email, password: 'a-good-password', name: 'New Person' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email, name: 'New Person', isAdmin: false });
    expect(created.body.user.password_hash).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain('pbkdf2');
    expect((await w.admin.get('/users')).body.users.map((u: any) => u.email)).toContain(email);
    for (const c of [w.padmin.client, w.member.client, w.outsider.client]) {
      expect(
        (await c.post('/users', { email: `${unique('x')}@example.com`, password: 'a-password-for-tests' })).status,
      ).toBe(403);
      expect((await c.get('/users')).body.error.code).toBe('forbidden');
    }
  });

  it('refuses a duplicate email (any case), a bad email and a short password', async () => {
    const admin = await bootstrapAdmin();
    const email = `${unique('dup')}@example.com`;
    expect((await admin.post('/users', { email, password: 'a-password-for-tests' })).status).toBe(201);
    const dup = await admin.post('/users', { email: email.toUpperCase(), password: 'a-password-for-tests' });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'conflict']);
    const bad = await admin.post('/users', { email: 'not-an-email', password: 'a-password-for-tests' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    const short = await admin.post('/users', { email: `${unique('s')}@example.com`, password: 'short' });
    expect([short.status, short.body.error.message]).toEqual([400, 'The password must be at least 12 characters']);
  });

  it('creates system admins on request', async () => {
    const admin = await bootstrapAdmin();
    const res = await admin.post('/users', {
      email: `${unique('sa')}@example.com`,
      password: 'a-password-for-tests',
      isAdmin: true,
    });
    expect(res.body.user.isAdmin).toBe(true);
    const notBool = await admin.post('/users', {
      email: `${unique('sa')}@example.com`,
      password: 'a-password-for-tests',
      isAdmin: 'yes',
    });
    expect(notBool.status).toBe(400);
  });
});

describe('projects', () => {
  it('answers a malformed percent-escape in the path with 400, not a server error', async () => {
    const admin = await bootstrapAdmin();
    for (const path of ['/projects/%E0%A4%A', '/projects/%/buckets', '/projects/a%ZZb/keys']) {
      const res = await admin.get(path);
      expect([res.status, res.body.error.code], path).toEqual([400, 'invalid_input']);
    }
  });

  it('lets any signed-in user create a project and become its admin', async () => {
    const admin = await bootstrapAdmin();
    const { client } = await memberOf(admin, null, 'member', `${unique('creator')}@example.com`);
    const name = unique('Team Alpha');
    const res = await client.post('/projects', { name });
    expect(res.status).toBe(201);
    expect(res.body.project).toMatchObject({ name, role: 'admin' });
    expect(res.body.project.id).toMatch(/^p_[a-z0-9]{16}$/);
    const list = (await client.get('/projects')).body.projects;
    expect(list).toEqual([expect.objectContaining({ name, role: 'admin' })]);
  });

  it('finds a project by id or by name', async () => {
    const w = await world();
    const byId = await w.member.client.get(`/projects/${w.project}`);
    const byName = await w.member.client.get(`/projects/${encodeURIComponent(w.projectName)}`);
    expect(byId.body).toEqual(byName.body);
    expect(byId.body.project).toMatchObject({ id: w.project, role: 'member' });
  });

  it('refuses a taken name (any case), an empty or overlong name, and odd characters', async () => {
    const w = await world();
    const dup = await w.member.client.post('/projects', { name: w.projectName.toUpperCase() });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'conflict']);
    for (const name of ['', 'x'.repeat(65), '<script>', ' leading-space', 'a/b']) {
      const res = await w.member.client.post('/projects', { name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('shows a user only their projects; a system admin sees all', async () => {
    const w = await world();
    const fresh = await memberOf(w.admin, w.project, 'member', `${unique('fresh')}@example.com`);
    const loner = await memberOf(w.admin, null, 'member', `${unique('loner')}@example.com`);
    expect((await loner.client.get('/projects')).body.projects).toEqual([]);
    expect((await fresh.client.get('/projects')).body.projects.map((p: any) => p.id)).toEqual([w.project]);
    expect((await w.outsider.client.get('/projects')).body.projects.map((p: any) => p.id)).not.toContain(w.project);
    expect((await w.admin.get('/projects')).body.projects.map((p: any) => p.id)).toContain(w.project);
  });

  it('hides a project from non-members entirely', async () => {
    const w = await world();
    for (const path of ['', '/members', '/apps', '/keys', '/buckets']) {
      const res = await w.outsider.client.get(`/projects/${w.project}${path}`);
      expect([res.status, res.body.error.code], path).toEqual([404, 'not_found']);
    }
    const missing = await w.member.client.get('/projects/p_doesnotexist0000');
    expect(missing.status).toBe(404);
  });
});

describe('renaming and deleting projects', () => {
  it('renames a project (its admins), keeping its id, members and keys', async () => {
    const w = await world();
    const name = unique('Renamed Team');
    const res = await w.padmin.client.patch(`/projects/${w.project}`, { name });
    expect(res.status).toBe(200);
    expect(res.body.project).toMatchObject({ id: w.project, name, role: 'admin' });
    expect((await w.member.client.get(`/projects/${encodeURIComponent(name)}`)).body.project.id).toBe(w.project);
    expect((await w.member.client.get(`/projects/${encodeURIComponent(w.projectName)}`)).status).toBe(404);
    // Only the case changes: allowed; another project's name (any case): refused; bad names: refused.
    expect((await w.padmin.client.patch(`/projects/${w.project}`, { name: name.toUpperCase() })).status).toBe(200);
    const other = (await w.admin.post('/projects', { name: unique('taken') })).body.project;
    const dup = await w.padmin.client.patch(`/projects/${w.project}`, { name: other.name.toLowerCase() });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'conflict']);
    for (const bad of ['', 'a/b', 'x'.repeat(65)]) {
      expect((await w.padmin.client.patch(`/projects/${w.project}`, { name: bad })).status).toBe(400);
    }
  });

  it('refuses to delete a project that holds buckets, with a clear message', async () => {
    const w = await world();
    await ownKey(w.padmin.client, w.project);
    const bucket = unique('b');
    expect(
      (await w.padmin.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name: bucket })).status,
    ).toBe(201);
    const res = await w.padmin.client.delete(`/projects/${w.project}`);
    expect([res.status, res.body.error.code]).toEqual([409, 'project_has_buckets']);
    expect(res.body.error.message).toBe(
      `The project "${w.projectName}" still holds buckets: delete them first (at every site), then the project`,
    );
    // Nothing went: members, apps and keys are all there.
    expect((await w.member.client.get(`/projects/${w.project}`)).status).toBe(200);
    expect((await w.padmin.client.get(`/projects/${w.project}/apps`)).body.apps).toHaveLength(1);
    expect((await w.padmin.client.get(`/projects/${w.project}/keys`)).body.myKeys).toHaveLength(1);
    expect((await w.padmin.client.delete(`/projects/${w.project}/buckets/thailand-1/${bucket}`)).status).toBe(204);
    expect((await w.padmin.client.delete(`/projects/${w.project}`)).status).toBe(204);
  });

  it('deletes an empty project with its keys, apps and memberships', async () => {
    const w = await world();
    const own = await ownKey(w.member.client, w.project);
    const app = await w.padmin.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'bot',
      app: w.app.name,
    });
    expect((await w.admin.delete(`/projects/${w.project}`)).status).toBe(204);
    for (const c of [w.member.client, w.padmin.client, w.admin]) {
      expect((await c.get(`/projects/${w.project}`)).status).toBe(404);
      expect((await c.get('/projects')).body.projects.map((p: any) => p.id)).not.toContain(w.project);
    }
    clearKeyCache();
    for (const k of [own, app.body]) {
      const res = await new S3TestClient(k.key.accessKeyId, k.secretAccessKey, 'thailand-1').fetch('/');
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('<Code>InvalidAccessKeyId</Code>');
    }
    // The name is free again.
    expect((await w.admin.post('/projects', { name: w.projectName })).status).toBe(201);
  });
});

describe('self-service project creation (a system setting)', () => {
  it('is on by default; when off, only system admins create projects; only they change it', async () => {
    const w = await world();
    expect((await w.member.client.get('/settings')).body.settings).toEqual({ selfServiceProjects: true });
    for (const c of [w.padmin.client, w.member.client]) {
      const res = await c.put('/settings', { selfServiceProjects: false });
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    }
    const off = await w.admin.put('/settings', { selfServiceProjects: false });
    expect([off.status, off.body.settings]).toEqual([200, { selfServiceProjects: false }]);
    try {
      expect((await w.member.client.get('/settings')).body.settings.selfServiceProjects).toBe(false);
      const refused = await w.member.client.post('/projects', { name: unique('nope') });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
      expect(refused.body.error.message).toBe(
        'Only system administrators create projects on this server: ask one to create it for you',
      );
      expect((await w.admin.post('/projects', { name: unique('admins-may') })).status).toBe(201);
      const bad = await w.admin.put('/settings', { selfServiceProjects: 'no' });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
      const unknown = await w.admin.put('/settings', { somethingElse: true });
      expect([unknown.status, unknown.body.error.code]).toEqual([400, 'invalid_input']);
    } finally {
      expect((await w.admin.put('/settings', { selfServiceProjects: true })).status).toBe(200);
    }
    expect((await w.member.client.post('/projects', { name: unique('yes-again') })).status).toBe(201);
  });
});
