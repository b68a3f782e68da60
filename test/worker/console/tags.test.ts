import { describe, expect, it } from 'vitest';
import { S3TestClient } from '../s3/s3-fixtures';
import { ownKey, world } from './fixtures';
import { bucketWorld, put, q } from './objects-support';

// The console's tag editors (src/service/tagging.ts): an object's tags and a bucket's, the same rules as S3's.

describe('console: object and bucket tags', () => {
  it('reads, replaces and removes an object’s tags, the very tags S3 shows', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await put(c, w.base, 'docs/a.txt', 'hello');
    const path = `${w.base}/object/tags${q({ key: 'docs/a.txt' })}`;
    expect((await c.get(path)).body).toEqual({ tags: [] });

    const tags = [
      { key: 'team', value: 'ops' },
      { key: 'ภาษา', value: '' },
    ];
    const set = await c.put(path, { tags });
    expect([set.status, set.body]).toEqual([200, { tags }]);
    expect((await c.get(path)).body).toEqual({ tags });

    const { key, secretAccessKey } = await ownKey(c, w.project);
    const s3 = new S3TestClient(key.accessKeyId, secretAccessKey, 'thailand-1');
    const xml = await (await s3.fetch(`/${w.bucket}/docs/a.txt?tagging`)).text();
    expect(xml).toContain(
      '<TagSet><Tag><Key>team</Key><Value>ops</Value></Tag><Tag><Key>ภาษา</Key><Value></Value></Tag></TagSet>',
    );
    expect((await s3.fetch(`/${w.bucket}/docs/a.txt`, { method: 'HEAD' })).headers.get('x-amz-tagging-count')).toBe(
      '2',
    );

    // A value may be left out (empty).
    expect((await c.put(path, { tags: [{ key: 'solo' }] })).body).toEqual({ tags: [{ key: 'solo', value: '' }] });
    expect((await c.delete(path)).status).toBe(204);
    expect((await c.get(path)).body).toEqual({ tags: [] });
    // Overwriting the object leaves the new version without tags.
    await c.put(path, { tags });
    await put(c, w.base, 'docs/a.txt', 'again', { overwrite: true });
    expect((await c.get(path)).body).toEqual({ tags: [] });

    const missing = await c.get(`${w.base}/object/tags${q({ key: 'nope' })}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'no_such_key']);
  });

  it.each<[string, unknown, string, string?]>([
    ['no tags field', {}, 'invalid_input', '"tags" must be a list of {"key", "value"}'],
    [
      'a tag that is no object',
      { tags: ['a=1'] },
      'invalid_input',
      '"tags[0]" must be {"key": "<text>", "value": "<text>"}',
    ],
    ['a numeric value', { tags: [{ key: 'a', value: 1 }] }, 'invalid_input'],
    [
      '11 tags',
      { tags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: '' })) },
      'too_many_tags',
      'Object tags cannot be greater than 10',
    ],
    [
      'a key twice',
      {
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      'invalid_tag',
      'Cannot provide multiple Tags with the same key',
    ],
    ['an empty key', { tags: [{ key: '', value: 'v' }] }, 'invalid_tag', 'The TagKey you have provided is invalid'],
    ['a key of 129 characters', { tags: [{ key: 'k'.repeat(129), value: '' }] }, 'invalid_tag'],
    ['a value of 257 characters', { tags: [{ key: 'k', value: 'v'.repeat(257) }] }, 'invalid_tag'],
    ['a comma', { tags: [{ key: 'a,b', value: '' }] }, 'invalid_tag'],
    ['an aws: key', { tags: [{ key: 'aws:x', value: '' }] }, 'invalid_tag'],
  ])('refuses %s with 400 and keeps the object’s tags', async (_what, body, code, message) => {
    const w = await bucketWorld();
    const c = w.member.client;
    await put(c, w.base, 'k', 'x');
    const path = `${w.base}/object/tags${q({ key: 'k' })}`;
    await c.put(path, { tags: [{ key: 'keep', value: 'me' }] });
    const res = await c.put(path, body);
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    if (message) expect(res.body.error.message).toBe(message);
    expect((await c.get(path)).body).toEqual({ tags: [{ key: 'keep', value: 'me' }] });
  });

  it('reads, replaces and removes a bucket’s tags (up to 50), the tags S3 shows', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    expect((await c.get(`${w.base}/tags`)).body).toEqual({ tags: [] });
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    expect((await c.put(`${w.base}/tags`, { tags: fifty })).status).toBe(200);
    expect((await c.get(`${w.base}/tags`)).body).toEqual({ tags: fifty });
    const tooMany = await c.put(`${w.base}/tags`, { tags: [...fifty, { key: 'one-more', value: '' }] });
    expect([tooMany.status, tooMany.body.error]).toEqual([
      400,
      { code: 'too_many_tags', message: 'Bucket tags cannot be greater than 50' },
    ]);
    const { key, secretAccessKey } = await ownKey(c, w.project);
    const s3 = new S3TestClient(key.accessKeyId, secretAccessKey, 'thailand-1');
    expect(await (await s3.fetch(`/${w.bucket}?tagging`)).text()).toContain(
      '<Tag><Key>k49</Key><Value>v49</Value></Tag>',
    );
    expect((await c.delete(`${w.base}/tags`)).status).toBe(204);
    expect((await c.get(`${w.base}/tags`)).body).toEqual({ tags: [] });
    expect((await s3.fetch(`/${w.bucket}?tagging`)).status).toBe(404);
  });

  it('follows the own-key-at-site rule, and hides other projects’ buckets', async () => {
    const w = await bucketWorld();
    await put(w.member.client, w.base, 'k', 'x');
    const objectTags = `${w.base}/object/tags${q({ key: 'k' })}`;
    for (const path of [objectTags, `${w.base}/tags`]) {
      expect((await w.padmin.client.get(path)).body.error.code).toBe('no_key_for_site');
      expect((await w.outsider.client.put(path, { tags: [] })).status).toBe(404);
    }
    const other = await world();
    await ownKey(other.member.client, other.project);
    const foreign = `/projects/${other.project}/buckets/thailand-1/${w.bucket}/tags`;
    expect((await other.member.client.get(foreign)).status).toBe(404);
  });
});
