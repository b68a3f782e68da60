import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ownKey, unique, world } from './fixtures';

describe('buckets', () => {
  it('Add Bucket at a site where the user holds a key, with its details and endpoint URLs', async () => {
    const w = await world();
    await ownKey(w.member.client, w.project, 'thailand-1');
    const name = unique('example-bucket');
    const res = await w.member.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name });
    expect(res.status).toBe(201);
    expect(res.body.bucket).toMatchObject({
      name,
      site: 'thailand-1',
      siteName: 'Si Racha, Thailand',
      endpoint: 'http://127.0.0.2',
      urls: { pathStyle: `http://127.0.0.2/${name}`, virtualHost: `http://${name}.thailand-1.localhost` },
    });
    const details = await w.member.client.get(`/projects/${w.project}/buckets/thailand-1/${name}`);
    expect(details.body.bucket).toEqual(res.body.bucket);
    const list = await w.member.client.get(`/projects/${w.project}/buckets`);
    expect(list.body.buckets.map((b: any) => b.name)).toEqual([name]);
    expect(list.body.hiddenSites).toEqual([{ id: 'finland-1', name: 'Helsinki, Finland' }]);
  });

  it("hides a site's buckets from a user without an active own key there (the own-key-at-site rule)", async () => {
    const w = await world();
    await ownKey(w.padmin.client, w.project, 'finland-1');
    const name = unique('hidden');
    expect((await w.padmin.client.post(`/projects/${w.project}/buckets`, { site: 'finland-1', name })).status).toBe(
      201,
    );
    // The member has no key at finland-1: the bucket is not listed and not reachable.
    const list = await w.member.client.get(`/projects/${w.project}/buckets`);
    expect(list.body.buckets).toEqual([]);
    expect(list.body.hiddenSites.map((s: any) => s.id)).toEqual(['thailand-1', 'finland-1']);
    const details = await w.member.client.get(`/projects/${w.project}/buckets/finland-1/${name}`);
    expect([details.status, details.body.error.code]).toEqual([403, 'no_key_for_site']);
    const create = await w.member.client.post(`/projects/${w.project}/buckets`, {
      site: 'finland-1',
      name: unique('b'),
    });
    expect([create.status, create.body.error.code]).toEqual([403, 'no_key_for_site']);
    expect(create.body.error.message).toContain('Helsinki, Finland');
    // An app key does not count for the user, and neither does an inactive own key.
    await w.padmin.client.post(`/projects/${w.project}/keys`, { site: 'finland-1', name: 'app', app: w.app.id });
    const { key } = await ownKey(w.member.client, w.project, 'finland-1');
    expect((await w.member.client.get(`/projects/${w.project}/buckets`)).body.buckets.map((b: any) => b.name)).toEqual([
      name,
    ]);
    await w.member.client.patch(`/projects/${w.project}/keys/${key.accessKeyId}`, { status: 'inactive' });
    expect((await w.member.client.get(`/projects/${w.project}/buckets`)).body.buckets).toEqual([]);
  });

  it.each([
    ['ab', 'between 3 and 63'],
    ['x'.repeat(64), 'between 3 and 63'],
    ['Upper-Case', 'lower-case letters'],
    ['under_score', 'lower-case letters'],
    ['-leading', 'begin and end'],
    ['trailing-', 'begin and end'],
    ['two..dots', 'two adjacent dots'],
    ['192.168.5.4', 'IP address'],
    ['xn--punycode', 'must not start with "xn--"'],
    ['sthree-x', 'must not start with "sthree-"'],
    ['name-s3alias', 'must not end with "-s3alias"'],
    ['name--ol-s3', 'must not end with "--ol-s3"'],
  ])('refuses the bucket name %j (%s) and writes nothing', async (name, why) => {
    const w = await world();
    await ownKey(w.member.client, w.project);
    const res = await w.member.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name });
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_bucket_name']);
    expect(res.body.error.message).toContain(why);
    const n = await env.DB.prepare('SELECT count(*) AS n FROM buckets WHERE project_id = ?')
      .bind(w.project)
      .first<any>();
    expect(n.n).toBe(0);
  });

  it('refuses an overlong name field, a missing site and an unknown site', async () => {
    const w = await world();
    await ownKey(w.member.client, w.project);
    const path = `/projects/${w.project}/buckets`;
    expect((await w.member.client.post(path, { site: 'thailand-1', name: 'x'.repeat(300) })).body.error.code).toBe(
      'invalid_input',
    );
    expect((await w.member.client.post(path, { name: 'fine-name' })).body.error.code).toBe('invalid_input');
    expect((await w.member.client.post(path, { site: 'mars-1', name: 'fine-name' })).body.error.code).toBe(
      'unknown_site',
    );
  });

  it('bucket names are unique per site across projects, but free at another site', async () => {
    const a = await world();
    const b = await world();
    await ownKey(a.member.client, a.project, 'thailand-1');
    await ownKey(b.member.client, b.project, 'thailand-1');
    await ownKey(b.member.client, b.project, 'finland-1');
    const name = unique('shared-name');
    expect((await a.member.client.post(`/projects/${a.project}/buckets`, { site: 'thailand-1', name })).status).toBe(
      201,
    );
    const taken = await b.member.client.post(`/projects/${b.project}/buckets`, { site: 'thailand-1', name });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'bucket_exists']);
    const again = await a.member.client.post(`/projects/${a.project}/buckets`, { site: 'thailand-1', name });
    expect(again.status).toBe(409);
    expect((await b.member.client.post(`/projects/${b.project}/buckets`, { site: 'finland-1', name })).status).toBe(
      201,
    );
    // Project b cannot see or delete a's bucket, even knowing its name.
    expect((await b.member.client.get(`/projects/${b.project}/buckets/thailand-1/${name}`)).status).toBe(404);
    expect((await b.member.client.delete(`/projects/${b.project}/buckets/thailand-1/${name}`)).status).toBe(404);
    expect((await a.member.client.get(`/projects/${a.project}/buckets/thailand-1/${name}`)).status).toBe(200);
  });

  it('deletes only an empty bucket; a non-empty one is refused and kept', async () => {
    const w = await world();
    await ownKey(w.member.client, w.project);
    const name = unique('full');
    await w.member.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name });
    await env.R2_THAILAND_1.put(`${name}/some/object.txt`, 'hello');
    const path = `/projects/${w.project}/buckets/thailand-1/${name}`;
    const refused = await w.member.client.delete(path);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'bucket_not_empty']);
    expect((await w.member.client.get(path)).status).toBe(200);
    expect(await env.R2_THAILAND_1.head(`${name}/some/object.txt`)).not.toBeNull();
    await env.R2_THAILAND_1.delete(`${name}/some/object.txt`);
    expect((await w.member.client.delete(path)).status).toBe(204);
    expect((await w.member.client.get(path)).status).toBe(404);
  });

  it('an object in a bucket whose name extends another does not block deleting the shorter one', async () => {
    const w = await world();
    await ownKey(w.member.client, w.project);
    const name = unique('prefix');
    await w.member.client.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name });
    await env.R2_THAILAND_1.put(`${name}x/object`, 'not in the bucket');
    expect((await w.member.client.delete(`/projects/${w.project}/buckets/thailand-1/${name}`)).status).toBe(204);
  });
});
