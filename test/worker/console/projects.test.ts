import { describe, expect, it } from 'vitest';
import { bootstrapAdmin, memberOf } from '../console-client';
import { unique, world } from './fixtures';

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
      expect((await c.post('/users', { email: `${unique('x')}@example.com`, password: 'a-password-for-tests' })).status).toBe(
        403,
      );
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
    expect([short.status, short.body.error.message]).toEqual([400, '"password" must be at least 8 characters']);
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
