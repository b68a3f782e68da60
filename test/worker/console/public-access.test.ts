import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { clearKeyCache } from '../../../src/s3/auth/authenticate';
import { bucketWorld, q, raw } from './objects-support';

// The console's side of canned ACLs, Block Public Access, the project's switch and share links (docs/api.md).

const anonymousGet = (bucket: string, key: string) => SELF.fetch(`http://127.0.0.2:8787/${bucket}/${key}`);

describe('public access in the console API', () => {
  it('shows a bucket private by default, then public once its ACL says so', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const before = (await c.get(w.base)).body.bucket.access;
    expect(before).toEqual({
      acl: 'private',
      publicAccessBlock: null,
      projectBlocksPublicAccess: false,
      effective: { anyoneCanRead: false, anyoneCanWrite: false, anyKeyCanRead: false },
    });
    const made = await c.put(`${w.base}/acl`, { acl: 'public-read' });
    expect(made.status).toBe(200);
    expect(made.body.bucket.access.effective).toEqual({
      anyoneCanRead: true,
      anyoneCanWrite: false,
      anyKeyCanRead: true,
    });
    expect((await c.get(`/projects/${w.project}/buckets`)).body.buckets[0].access.acl).toBe('public-read');
    expect((await c.put(`${w.base}/acl`, { acl: 'world-writable' })).body.error.code).toBe('invalid_input');
  });

  it('Block Public Access: the switches act, and a blocked ACL change is refused with its reason', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await c.put(`${w.base}/acl`, { acl: 'public-read' });
    const ignored = await c.put(`${w.base}/public-access-block`, { ignorePublicAcls: true, blockPublicAcls: true });
    expect(ignored.body.bucket.access.publicAccessBlock).toEqual({
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    expect(ignored.body.bucket.access.effective.anyoneCanRead).toBe(false);
    const refused = await c.put(`${w.base}/acl`, { acl: 'public-read-write' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'public_access_blocked']);
    const removed = await c.delete(`${w.base}/public-access-block`);
    expect(removed.body.bucket.access).toMatchObject({ publicAccessBlock: null, effective: { anyoneCanRead: true } });
  });

  it("the project's switch is the admins', shown on the project and on every bucket", async () => {
    const w = await bucketWorld();
    await w.member.client.put(`${w.base}/acl`, { acl: 'public-read' });
    const set = await w.padmin.client.put(`/projects/${w.project}/public-access`, { blockPublicAccess: true });
    expect([set.status, set.body.project.blockPublicAccess]).toEqual([200, true]);
    expect((await w.member.client.get(`/projects/${w.project}`)).body.project.blockPublicAccess).toBe(true);
    const access = (await w.member.client.get(w.base)).body.bucket.access;
    expect(access).toMatchObject({ acl: 'public-read', projectBlocksPublicAccess: true });
    expect(access.effective.anyoneCanRead).toBe(false);
    const refused = await w.member.client.put(`${w.base}/acl`, { acl: 'authenticated-read' });
    expect(refused.body.error.message).toContain("project's admins");
  });

  it('object ACLs: set one, see it in the listing, reach the object unsigned', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await raw(c, 'PUT', `${w.base}/object${q({ key: 'docs/a.txt' })}`, 'aaa');
    await raw(c, 'PUT', `${w.base}/object${q({ key: 'docs/b.txt' })}`, 'bbb');
    const set = await c.put(`${w.base}/object/acl${q({ key: 'docs/a.txt' })}`, { acl: 'public-read' });
    expect([set.status, set.body.object.acl]).toEqual([200, 'public-read']);
    const listed = (await c.get(`${w.base}/objects${q({ prefix: 'docs/' })}`)).body.objects;
    expect(listed.map((o: { key: string; acl: string }) => [o.key, o.acl])).toEqual([
      ['docs/a.txt', 'public-read'],
      ['docs/b.txt', 'private'],
    ]);
    expect(await (await anonymousGet(w.bucket, 'docs/a.txt')).text()).toBe('aaa');
    expect((await anonymousGet(w.bucket, 'docs/b.txt')).status).toBe(403);
    const missing = await c.put(`${w.base}/object/acl${q({ key: 'nope' })}`, { acl: 'public-read' });
    expect(missing.body.error.code).toBe('no_such_key');
  });

  it('share links: a presigned GET with the own key, up to 7 days, refused without an active key', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await raw(c, 'PUT', `${w.base}/object${q({ key: 'report 2026.pdf' })}`, 'the report');
    const share = await c.post(`${w.base}/object/share${q({ key: 'report 2026.pdf' })}`, { expiresIn: 3600 });
    expect(share.status).toBe(201);
    const url = new URL(share.body.share.url);
    // The site's endpoint as the console is reached (tests: http://localhost, so no port).
    expect(url.hostname).toBe('127.0.0.2');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(Date.parse(share.body.share.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    const got = await SELF.fetch(share.body.share.url);
    expect([got.status, await got.text()]).toEqual([200, 'the report']);

    for (const expiresIn of [0, 604801, 1.5, '60', undefined]) {
      const bad = await c.post(`${w.base}/object/share${q({ key: 'report 2026.pdf' })}`, { expiresIn });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    }
    const gone = await c.post(`${w.base}/object/share${q({ key: 'nope' })}`, { expiresIn: 60 });
    expect(gone.body.error.code).toBe('no_such_key');
    // The key that signs the link is what it lives by: deactivated, the link stops working.
    await c.patch(`/projects/${w.project}/keys/${share.body.share.accessKeyId}`, { status: 'inactive' });
    clearKeyCache(); // as another isolate, or this one a few seconds later (KEY_CACHE_MS)
    expect((await SELF.fetch(share.body.share.url)).status).toBe(403);
  });
});
