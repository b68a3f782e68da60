import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditUnlisted } from '../../../src/console/audit';
import { expireAudit, retentionDays } from '../../../src/maintenance/expire-audit';
import { services } from '../../../src/service/context';
import { ADMIN, CONSOLE } from '../console-client';
import { ownKey, unique, world } from './fixtures';

const events = async (client: any, project: string, query = '') => {
  const res = await client.get(`/projects/${project}/audit${query}`);
  expect(res.status).toBe(200);
  return res.body as { events: any[]; nextCursor: string | null };
};

describe('audit log', () => {
  it('records every kind of change with who, what, when and from where, and never a secret', async () => {
    const w = await world();
    const c = w.padmin.client;
    const p = `/projects/${w.project}`;
    const headers = { 'CF-Connecting-IP': '203.0.113.77', 'User-Agent': 'audit-test/1.0' };
    const userEmail = `${unique('new')}@example.com`;
    const userPassword = 'a-very-secret-password';
    expect((await w.admin.post('/users', { email: userEmail, password: userPassword })).status).toBe(201);
    expect((await c.call('POST', `${p}/members`, { email: userEmail, role: 'member' }, headers)).status).toBe(201);
    const newUserId = (await c.get(`${p}/members`)).body.members.find((m: any) => m.email === userEmail).userId;
    expect((await c.patch(`${p}/members/${newUserId}`, { role: 'admin' })).status).toBe(200);
    expect((await c.delete(`${p}/members/${newUserId}`)).status).toBe(204);
    const app = (await c.post(`${p}/apps`, { name: unique('app') })).body.app;
    const { key, secretAccessKey } = await ownKey(c, w.project);
    expect((await c.patch(`${p}/keys/${key.accessKeyId}`, { status: 'inactive' })).status).toBe(200);
    expect((await c.delete(`${p}/keys/${key.accessKeyId}`)).status).toBe(204);
    expect((await c.delete(`${p}/apps/${app.id}`)).status).toBe(204);
    await ownKey(c, w.project); // the own-key-at-site rule, for the bucket below
    const bucket = unique('audit-bkt');
    const b = `${p}/buckets/thailand-1/${bucket}`;
    expect((await c.post(`${p}/buckets`, { site: 'thailand-1', name: bucket })).status).toBe(201);
    expect((await c.put(`${b}/acl`, { acl: 'public-read' })).status).toBe(200);
    expect((await c.put(`${b}/public-access-block`, { BlockPublicAcls: true })).status).toBe(200);
    expect((await c.delete(`${b}/public-access-block`)).status).toBe(200);
    const rule = { allowedMethods: ['GET'], allowedOrigins: ['https://example.com'] };
    expect((await c.put(`${b}/cors`, { rules: [rule] })).status).toBe(200);
    expect((await c.delete(`${b}/cors`)).status).toBe(204);
    expect((await c.call('PUT', `${b}/object?key=docs/a.txt`, 'hello', { 'Content-Type': 'text/plain' })).status).toBe(
      201,
    );
    expect((await c.put(`${b}/object/acl?key=docs/a.txt`, { acl: 'private' })).status).toBe(200);
    const share = await c.post(`${b}/object/share?key=docs/a.txt`, { expiresIn: 3600 });
    expect(share.status).toBe(201);
    expect((await c.delete(`${b}/object?key=docs/a.txt`)).status).toBe(204);
    expect((await c.delete(b)).status).toBe(204);
    expect((await c.put(`${p}/public-access`, { blockPublicAccess: true })).status).toBe(200);

    const { events: list } = await events(c, w.project, '?limit=200');
    const actions = list.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'project.create',
      'member.add',
      'member.add',
      'app.create',
      'member.add',
      'member.role',
      'member.remove',
      'app.create',
      'key.create',
      'key.disable',
      'key.delete',
      'app.delete',
      'key.create',
      'bucket.create',
      'bucket.acl',
      'bucket.public-access-block',
      'bucket.public-access-block',
      'bucket.cors',
      'bucket.cors',
      'object.upload',
      'object.acl',
      'object.share',
      'object.delete',
      'bucket.delete',
      'project.public-access',
    ]);
    const padminEmail = (await c.get('/me')).body.user.email;
    const added = list.find((e) => e.action === 'member.add' && e.target === userEmail);
    expect(added).toMatchObject({
      projectId: w.project,
      actor: { id: w.padmin.userId, email: padminEmail },
      detail: { userId: newUserId, role: 'member' },
      address: '203.0.113.77',
      userAgent: 'audit-test/1.0',
    });
    expect(Date.parse(added.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(list.find((e) => e.action === 'key.create' && e.target === key.accessKeyId)).toMatchObject({
      detail: { site: 'thailand-1', name: key.name, owner: { user: w.padmin.userId } },
    });
    expect(list.find((e) => e.action === 'key.disable')!.detail.status).toBe('inactive');
    expect(list.find((e) => e.action === 'bucket.acl')).toMatchObject({
      target: `thailand-1/${bucket}`,
      detail: { acl: 'public-read' },
    });
    expect(list.find((e) => e.action === 'object.upload')!.target).toBe(`thailand-1/${bucket}/docs/a.txt`);

    // No secret anywhere in the table: passwords, key secrets, the share link's signature, session tokens.
    const all = JSON.stringify((await env.DB.prepare('SELECT * FROM audit_events').all()).results);
    const signature = new URL(share.body.share.url).searchParams.get('X-Amz-Signature')!;
    for (const secret of [userPassword, secretAccessKey, signature, ADMIN.password, c.cookie.split('=')[1], c.csrf]) {
      expect(all).not.toContain(secret);
    }
  });

  it('records sign-ins and failed sign-ins (system-wide, never the password typed)', async () => {
    const w = await world();
    const email = (await w.member.client.get('/me')).body.user.email;
    const typed = 'not-the-password-xyz';
    const bad = await SELF.fetch(`${CONSOLE}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '198.51.100.99' },
      body: JSON.stringify({ email, password: typed }),
    });
    expect(bad.status).toBe(401);
    const good = await SELF.fetch(`${CONSOLE}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '198.51.100.99' },
      body: JSON.stringify({ email, password: `password-${email}` }),
    });
    expect(good.status).toBe(200);
    const res = await w.admin.get(`/audit?actor=${encodeURIComponent(email)}&action=auth.&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: any) => e.action)).toEqual(['auth.login', 'auth.login.failure']);
    expect(res.body.events[0]).toMatchObject({ projectId: null, actor: { id: w.member.userId, email } });
    expect(res.body.events[1]).toMatchObject({ actor: { id: null, email }, address: '198.51.100.99' });
    const all = JSON.stringify((await env.DB.prepare('SELECT * FROM audit_events').all()).results);
    expect(all).not.toContain(typed);
  });

  it('shows a project admin their project only, pages newest first and filters by actor and action', async () => {
    const w = await world();
    const other = await world();
    const p = `/projects/${w.project}`;
    for (let i = 0; i < 5; i++) await w.padmin.client.post(`${p}/apps`, { name: unique('app') });
    await w.member.client.post(`${p}/keys`, { site: 'thailand-1', name: unique('k') });
    await other.padmin.client.post(`/projects/${other.project}/apps`, { name: unique('app') });

    const first = await events(w.padmin.client, w.project, '?action=app.create&limit=4');
    expect(first.events).toHaveLength(4);
    expect(first.nextCursor).not.toBeNull();
    const second = await events(w.padmin.client, w.project, `?action=app.create&limit=4&before=${first.nextCursor}`);
    expect(second.events).toHaveLength(2); // the fixture's own app, and one of the five
    expect(second.nextCursor).toBeNull();
    const ids = [...first.events, ...second.events].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set([...first.events, ...second.events].map((e) => e.projectId))).toEqual(new Set([w.project]));

    const memberEmail = (await w.member.client.get('/me')).body.user.email;
    const byMember = await events(
      w.padmin.client,
      w.project,
      `?actor=${encodeURIComponent(memberEmail.toUpperCase())}`,
    );
    expect(byMember.events.map((e) => e.action)).toEqual(['key.create']);
    const keyActions = await events(w.padmin.client, w.project, '?action=key.');
    expect(keyActions.events.map((e) => e.action)).toEqual(['key.create']);

    // Members and outsiders see nothing; only system admins see every project's events.
    expect((await w.member.client.get(`${p}/audit`)).status).toBe(403);
    expect((await w.outsider.client.get(`${p}/audit`)).status).toBe(404);
    expect((await w.padmin.client.get('/audit')).status).toBe(403);
    const everything = await w.admin.get('/audit?action=app.create&limit=200');
    const projects = new Set(everything.body.events.map((e: any) => e.projectId));
    expect(projects.has(w.project) && projects.has(other.project)).toBe(true);
    expect((await w.padmin.client.get(`${p}/audit?limit=0`)).status).toBe(400);
    expect((await w.padmin.client.get(`${p}/audit?before=abc`)).status).toBe(400);
  });

  it('records nothing for a refused change', async () => {
    const w = await world();
    const before = await events(w.admin, w.project);
    expect((await w.member.client.post(`/projects/${w.project}/apps`, { name: unique('app') })).status).toBe(403);
    expect((await w.padmin.client.post(`/projects/${w.project}/apps`, {})).status).toBe(400);
    expect((await events(w.admin, w.project)).events).toEqual(before.events);
  });
});

describe('the safety net for undeclared routes', () => {
  it('records a successful change through a route without audited() as change.unlisted, and nothing else', async () => {
    const w = await world();
    const s = services(env);
    const session = {
      user: (await env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(w.padmin.userId).first())!,
      token: 't',
    };
    const request = (method: string, done = false) =>
      Object.assign(new Request(`${CONSOLE}/api/projects/${w.project}/widgets`, { method }), {
        session,
        route: '/api/projects/:project/widgets',
        params: { project: w.project },
        audit: { projectId: w.project, done },
      }) as any;
    await auditUnlisted(new Response(null, { status: 204 }), request('POST'), s);
    await auditUnlisted(new Response(null, { status: 403 }), request('POST'), s); // refused: nothing
    await auditUnlisted(new Response('{}', { status: 200 }), request('GET'), s); // a read: nothing
    await auditUnlisted(new Response(null, { status: 204 }), request('DELETE', true), s); // declared: recorded there
    const { events: list } = await events(w.admin, w.project, '?action=change.unlisted');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      actor: { id: w.padmin.userId },
      target: w.project,
      detail: { method: 'POST', route: '/api/projects/:project/widgets' },
    });
  });
});

describe('audit retention (the cron)', () => {
  it('deletes events older than the retention and keeps younger ones', async () => {
    const w = await world();
    const day = 24 * 3600 * 1000;
    const { events: list } = await events(w.admin, w.project);
    const [young, old] = [list[0].id, list[1].id];
    await env.DB.prepare('UPDATE audit_events SET at = ? WHERE id = ?')
      .bind(Date.now() - 31 * day, old)
      .run();
    await env.DB.prepare('UPDATE audit_events SET at = ? WHERE id = ?')
      .bind(Date.now() - 29 * day, young)
      .run();
    expect(await expireAudit(env.DB, Date.now(), 30)).toBeGreaterThanOrEqual(1);
    const ids = (await events(w.admin, w.project)).events.map((e) => e.id);
    expect(ids).toContain(young);
    expect(ids).not.toContain(old);
  });

  it('reads AUDIT_RETENTION_DAYS, defaulting to 90', () => {
    expect(retentionDays('30')).toBe(30);
    expect(retentionDays(undefined)).toBe(90);
    expect(retentionDays('soon')).toBe(90);
    expect(retentionDays('0')).toBe(90);
  });
});
