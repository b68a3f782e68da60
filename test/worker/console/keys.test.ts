import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { openSecret } from '../../../src/crypto/master-key';
import { ownKey, unique, world } from './fixtures';
import { put } from './objects-support';

describe('access keys', () => {
  it('Add Own Key returns an AWS-style id and the secret, once', async () => {
    const w = await world();
    const res = await w.member.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'my-first-storage-key',
    });
    expect(res.status).toBe(201);
    const { key, secretAccessKey } = res.body;
    expect(key.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(key).toMatchObject({
      name: 'my-first-storage-key',
      site: 'thailand-1',
      siteName: 'Si Racha, Thailand',
      endpoint: 'http://127.0.0.2',
      status: 'active',
      owner: { type: 'user', id: w.member.userId },
      lastUsedAt: null,
    });
    const list = await w.member.client.get(`/projects/${w.project}/keys`);
    expect(list.body.myKeys.map((k: any) => k.accessKeyId)).toEqual([key.accessKeyId]);
    expect(JSON.stringify(list.body)).not.toContain(secretAccessKey);
  });

  it('stores the secret encrypted, bound to its key id, and it decrypts back', async () => {
    const w = await world();
    const { key, secretAccessKey } = await ownKey(w.member.client, w.project);
    const row = await env.DB.prepare('SELECT * FROM access_keys WHERE id = ?').bind(key.accessKeyId).first<any>();
    expect(JSON.stringify(row)).not.toContain(secretAccessKey);
    expect(row.secret_ciphertext).not.toContain(secretAccessKey);
    expect(await openSecret(env.ROS_MASTER_KEY, key.accessKeyId, row.secret_ciphertext)).toBe(secretAccessKey);
    // Bound to the id: the same ciphertext under another key id does not open.
    await expect(openSecret(env.ROS_MASTER_KEY, 'ROSAAAAAAAAAAAAAAAAA', row.secret_ciphertext)).rejects.toThrow();
    // And two keys never share a ciphertext layout (fresh IV each time).
    const second = await ownKey(w.member.client, w.project);
    const row2 = await env.DB.prepare('SELECT secret_ciphertext FROM access_keys WHERE id = ?')
      .bind(second.key.accessKeyId)
      .first<any>();
    expect(row2.secret_ciphertext.slice(0, 16)).not.toBe(row.secret_ciphertext.slice(0, 16));
  });

  it('separates My Keys from App Keys', async () => {
    const w = await world();
    const mine = await ownKey(w.padmin.client, w.project);
    const appKey = await w.padmin.client.post(`/projects/${w.project}/keys`, {
      site: 'finland-1',
      name: 'app-key',
      app: w.app.name,
    });
    expect(appKey.status).toBe(201);
    expect(appKey.body.key.owner).toEqual({ type: 'app', id: w.app.id, name: w.app.name });
    const list = (await w.padmin.client.get(`/projects/${w.project}/keys`)).body;
    expect(list.myKeys.map((k: any) => k.accessKeyId)).toEqual([mine.key.accessKeyId]);
    expect(list.appKeys.map((k: any) => k.accessKeyId)).toEqual([appKey.body.key.accessKeyId]);
    // A member sees the app keys (not their secrets) but not other members' own keys.
    const memberView = (await w.member.client.get(`/projects/${w.project}/keys`)).body;
    expect(memberView.myKeys).toEqual([]);
    expect(memberView.appKeys).toHaveLength(1);
  });

  it('refuses an unknown site, a missing or overlong name, and an unknown app, writing nothing', async () => {
    const w = await world();
    const cases: [unknown, number, string][] = [
      [{ site: 'mars-1', name: 'k' }, 400, 'unknown_site'],
      [{ site: 'thailand-1' }, 400, 'invalid_input'],
      [{ site: 'thailand-1', name: 'x'.repeat(129) }, 400, 'invalid_input'],
      [{ name: 'k' }, 400, 'invalid_input'],
      [{ site: 'thailand-1', name: 'k', app: 'no-such-app' }, 404, 'not_found'],
    ];
    for (const [body, status, code] of cases) {
      const res = await w.padmin.client.post(`/projects/${w.project}/keys`, body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const count = await env.DB.prepare('SELECT count(*) AS n FROM access_keys WHERE project_id = ?')
      .bind(w.project)
      .first<any>();
    expect(count.n).toBe(0);
  });

  it('deactivates, reactivates and deletes a key', async () => {
    const w = await world();
    const { key } = await ownKey(w.member.client, w.project);
    const path = `/projects/${w.project}/keys/${key.accessKeyId}`;
    expect((await w.member.client.patch(path, { status: 'inactive' })).body.key.status).toBe('inactive');
    expect((await w.member.client.patch(path, { status: 'active' })).body.key.status).toBe('active');
    expect((await w.member.client.patch(path, { status: 'revoked' })).status).toBe(400);
    expect((await w.member.client.delete(path)).status).toBe(204);
    expect((await w.member.client.delete(path)).status).toBe(404);
  });

  it('a system admin who is not a member cannot hold an own key there', async () => {
    const w = await world();
    const other = await world();
    // w.admin created `other` too, so use a project the system admin is not in: create one as padmin.
    const theirs = (await other.padmin.client.post('/projects', { name: unique('solo') })).body.project.id;
    const res = await w.admin.post(`/projects/${theirs}/keys`, { site: 'thailand-1', name: 'k' });
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('key oversight', () => {
  it("shows project admins the other members' keys, and members not", async () => {
    const w = await world();
    const { key } = await ownKey(w.member.client, w.project);
    const adminView = (await w.padmin.client.get(`/projects/${w.project}/keys`)).body;
    expect(adminView.memberKeys.map((k: any) => k.accessKeyId)).toEqual([key.accessKeyId]);
    expect(adminView.memberKeys[0].owner).toMatchObject({ type: 'user', id: w.member.userId });
    expect((await w.member.client.get(`/projects/${w.project}/keys`)).body.memberKeys).toBeUndefined();
    expect((await w.padmin.client.delete(`/projects/${w.project}/keys/${key.accessKeyId}`)).status).toBe(204);
  });
});

describe('scoped and expiring keys', () => {
  /** A project with a bucket at each site (made by the project admin, who holds a key at both). */
  async function withBuckets() {
    const w = await world();
    await ownKey(w.padmin.client, w.project, 'thailand-1');
    await ownKey(w.padmin.client, w.project, 'finland-1');
    const here = unique('here');
    const there = unique('there');
    for (const [site, name] of [
      ['thailand-1', here],
      ['finland-1', there],
    ]) {
      const res = await w.padmin.client.post(`/projects/${w.project}/buckets`, { site, name });
      if (res.status !== 201) throw new Error(`bucket: ${JSON.stringify(res.body)}`);
    }
    return { w, here, there };
  }

  it('creates a key with its limits, shown in the answer and the list', async () => {
    const { w, here } = await withBuckets();
    const expiresAt = new Date(Date.now() + 29 * 86400_000 + 1234).toISOString();
    const res = await w.member.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'docs-reader',
      readOnly: true,
      buckets: [here, here],
      prefix: 'docs/',
      expiresAt,
    });
    expect(res.status).toBe(201);
    const whole = new Date(Math.floor(Date.parse(expiresAt) / 1000) * 1000).toISOString();
    const limits = { readOnly: true, buckets: [here], prefix: 'docs/', expiresAt: whole, expired: false };
    expect(res.body.key).toMatchObject(limits);
    const list = (await w.member.client.get(`/projects/${w.project}/keys`)).body;
    expect(list.myKeys[0]).toMatchObject(limits);
    // An unlimited key says so.
    const plain = await ownKey(w.member.client, w.project);
    expect(plain.key).toMatchObject({ readOnly: false, buckets: null, prefix: null, expiresAt: null, expired: false });
  });

  it('refuses limits that are not the project’s buckets at the site, a past expiry or a bad prefix, writing nothing', async () => {
    const { w, here, there } = await withBuckets();
    const other = await world();
    await ownKey(other.padmin.client, other.project);
    const theirs = unique('theirs');
    await other.padmin.client.post(`/projects/${other.project}/buckets`, { site: 'thailand-1', name: theirs });
    const base = { site: 'thailand-1', name: 'k' };
    const cases: Record<string, unknown>[] = [
      { buckets: ['no-such-bucket'] },
      { buckets: [there] }, // the project's, but at finland-1
      { buckets: [theirs] }, // at the site, but another project's
      { buckets: [] },
      { buckets: here },
      { buckets: [here, 7] },
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { expiresAt: '2030-01-01' },
      { expiresAt: 'tomorrow' },
      { expiresAt: 1893456000000 },
      { prefix: 'x'.repeat(1025) },
      { prefix: 'a\nb' },
      { prefix: 5 },
      { readOnly: 'yes' },
    ];
    for (const limits of cases) {
      const res = await w.member.client.post(`/projects/${w.project}/keys`, { ...base, ...limits });
      expect([res.status, res.body.error?.code], JSON.stringify(limits)).toEqual([400, 'invalid_input']);
    }
    const count = await env.DB.prepare(
      'SELECT count(*) AS n FROM access_keys WHERE project_id = ? AND owner_user_id = ?',
    )
      .bind(w.project, w.member.userId)
      .first<any>();
    expect(count.n).toBe(0);
  });

  it("a key's limits cannot be widened or changed; disabling and enabling keeps them", async () => {
    const { w, here } = await withBuckets();
    const created = await w.member.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'narrow',
      readOnly: true,
      buckets: [here],
      prefix: 'docs/',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const path = `/projects/${w.project}/keys/${created.body.key.accessKeyId}`;
    for (const widen of [{ readOnly: false }, { buckets: null }, { prefix: '' }, { expiresAt: null }]) {
      const res = await w.member.client.patch(path, { status: 'active', ...widen });
      expect([res.status, res.body.error?.code], JSON.stringify(widen)).toEqual([400, 'invalid_input']);
    }
    const disabled = await w.member.client.patch(path, { status: 'inactive' });
    expect(disabled.body.key).toMatchObject({ status: 'inactive', readOnly: true, buckets: [here], prefix: 'docs/' });
    const row = await env.DB.prepare('SELECT read_only, buckets, prefix, expires_at FROM access_keys WHERE id = ?')
      .bind(created.body.key.accessKeyId)
      .first<any>();
    expect(row).toEqual({
      read_only: 1,
      buckets: JSON.stringify([here]),
      prefix: 'docs/',
      expires_at: Date.parse(created.body.key.expiresAt),
    });
  });

  it('an expired own key no longer counts for seeing a site’s buckets', async () => {
    const w = await world();
    const { key } = await ownKey(w.member.client, w.project);
    expect((await w.member.client.get(`/projects/${w.project}/buckets`)).body.hiddenSites).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ id: 'thailand-1' })]),
    );
    await env.DB.prepare('UPDATE access_keys SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 1, key.accessKeyId)
      .run();
    const after = (await w.member.client.get(`/projects/${w.project}/buckets`)).body;
    expect(after.hiddenSites).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'thailand-1' })]));
  });

  it('a share link is signed with the newest own key whose limits reach the object', async () => {
    const { w, here } = await withBuckets();
    const wide = await ownKey(w.member.client, w.project);
    const narrow = await w.member.client.post(`/projects/${w.project}/keys`, {
      site: 'thailand-1',
      name: 'narrow',
      buckets: [here],
      prefix: 'docs/',
    });
    const share = (key: string) =>
      w.member.client.post(`/projects/${w.project}/buckets/thailand-1/${here}/object/share?key=${key}`, {
        expiresIn: 60,
      });
    for (const key of ['docs/a', 'other/b']) {
      expect((await put(w.member.client, `/projects/${w.project}/buckets/thailand-1/${here}`, key, 'x')).status).toBe(
        201,
      );
    }
    expect((await share('docs/a')).body.share.accessKeyId).toBe(narrow.body.key.accessKeyId);
    expect((await share('other/b')).body.share.accessKeyId).toBe(wide.key.accessKeyId);
  });
});
