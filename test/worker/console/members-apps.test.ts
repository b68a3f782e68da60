import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { memberOf } from '../console-client';
import { ownKey, unique, world } from './fixtures';

describe('members', () => {
  it('lists members with roles', async () => {
    const w = await world();
    const { members } = (await w.member.client.get(`/projects/${w.project}/members`)).body;
    expect(members.map((m: any) => m.role).sort()).toEqual(['admin', 'admin', 'member']);
    expect(members.find((m: any) => m.userId === w.member.userId)).toMatchObject({ role: 'member' });
  });

  it('adds an existing user by email, once', async () => {
    const w = await world();
    const email = `${unique('joiner')}@example.com`;
    await w.admin.post('/users', { email, password: 'a-password-for-tests' });
    const res = await w.padmin.client.post(`/projects/${w.project}/members`, {
      email: email.toUpperCase(),
      role: 'member',
    });
    expect(res.status).toBe(201);
    expect(res.body.member).toMatchObject({ email, role: 'member' });
    const again = await w.padmin.client.post(`/projects/${w.project}/members`, { email, role: 'admin' });
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);
  });

  it('refuses an unknown email and a bad role', async () => {
    const w = await world();
    const unknown = await w.padmin.client.post(`/projects/${w.project}/members`, {
      email: 'ghost@example.com',
      role: 'member',
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const badRole = await w.padmin.client.post(`/projects/${w.project}/members`, {
      email: 'ghost@example.com',
      role: 'owner',
    });
    expect([badRole.status, badRole.body.error.message]).toEqual([400, '"role" must be one of: admin, member']);
  });

  it('changes roles but never leaves a project without an admin', async () => {
    const w = await world();
    // The project has two admins (the system admin who created it, and padmin).
    const promote = await w.padmin.client.patch(`/projects/${w.project}/members/${w.member.userId}`, { role: 'admin' });
    expect(promote.body.member.role).toBe('admin');
    const admins = (await w.padmin.client.get(`/projects/${w.project}/members`)).body.members.filter(
      (m: any) => m.role === 'admin',
    );
    for (const m of admins.slice(0, -1)) {
      expect(
        (await w.padmin.client.patch(`/projects/${w.project}/members/${m.userId}`, { role: 'member' })).status,
      ).toBe(200);
    }
    const last = admins[admins.length - 1];
    const refused = await w.admin.patch(`/projects/${w.project}/members/${last.userId}`, { role: 'member' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'last_admin']);
    const removeLast = await w.admin.delete(`/projects/${w.project}/members/${last.userId}`);
    expect([removeLast.status, removeLast.body.error.code]).toEqual([409, 'last_admin']);
    const missing = await w.admin.patch(`/projects/${w.project}/members/u_nobody`, { role: 'member' });
    expect(missing.status).toBe(404);
  });

  it('removing a member deletes their keys in that project and their access', async () => {
    const w = await world();
    const { key } = await ownKey(w.member.client, w.project);
    const res = await w.padmin.client.delete(`/projects/${w.project}/members/${w.member.userId}`);
    expect(res.status).toBe(204);
    expect(await env.DB.prepare('SELECT id FROM access_keys WHERE id = ?').bind(key.accessKeyId).first()).toBeNull();
    expect((await w.member.client.get(`/projects/${w.project}`)).status).toBe(404);
  });
});

describe('apps', () => {
  it('creates, lists and deletes apps; deleting an app deletes its keys', async () => {
    const w = await world();
    const name = unique('backup-bot');
    const created = await w.padmin.client.post(`/projects/${w.project}/apps`, { name });
    expect(created.status).toBe(201);
    expect(created.body.app.id).toMatch(/^a_/);
    const dup = await w.padmin.client.post(`/projects/${w.project}/apps`, { name });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'conflict']);
    expect((await w.member.client.get(`/projects/${w.project}/apps`)).body.apps.map((a: any) => a.name)).toContain(
      name,
    );
    const key = await w.padmin.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'bot',
      app: name,
    });
    expect(key.status).toBe(201);
    expect((await w.padmin.client.delete(`/projects/${w.project}/apps/${name}`)).status).toBe(204);
    expect(
      await env.DB.prepare('SELECT id FROM access_keys WHERE id = ?').bind(key.body.key.accessKeyId).first(),
    ).toBeNull();
    expect((await w.padmin.client.delete(`/projects/${w.project}/apps/${name}`)).status).toBe(404);
  });

  it('validates app names', async () => {
    const w = await world();
    for (const name of ['Upper', 'has space', '-lead', 'x'.repeat(65), '']) {
      const res = await w.padmin.client.post(`/projects/${w.project}/apps`, { name });
      expect([res.status, res.body.error.code], name).toEqual([400, 'invalid_input']);
    }
  });

  it('keeps apps of other projects apart', async () => {
    const w = await world();
    const other = await world();
    const res = await w.padmin.client.delete(`/projects/${w.project}/apps/${other.app.id}`);
    expect(res.status).toBe(404);
    expect((await other.padmin.client.get(`/projects/${other.project}/apps`)).body.apps).toHaveLength(1);
  });
});

describe('a member who is also signed in elsewhere', () => {
  it('loses access everywhere it was removed, not where it remains', async () => {
    const w = await world();
    const other = await world();
    const both = await memberOf(w.admin, w.project, 'member', `${unique('both')}@example.com`);
    const email = (await both.client.get('/me')).body.user.email;
    await other.padmin.client.post(`/projects/${other.project}/members`, { email, role: 'member' });
    await w.padmin.client.delete(`/projects/${w.project}/members/${both.userId}`);
    expect((await both.client.get(`/projects/${w.project}`)).status).toBe(404);
    expect((await both.client.get(`/projects/${other.project}`)).status).toBe(200);
  });
});
