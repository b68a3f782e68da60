import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bucketWorld, put, q, raw, sha256 } from './objects-support';

/** The console's object endpoints (docs/api.md, "Objects"): listing, simple upload, download, delete, stats. */
describe('console objects', () => {
  it('lists a bucket page by page, with folders by "/", a prefix filter and resumable tokens', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    for (const key of ['a.txt', 'b.txt', 'c.txt', 'docs/one.md', 'docs/two.md', 'docs/deep/three.md', 'photos/x.jpg']) {
      expect((await put(c, w.base, key, `content of ${key}`)).status).toBe(201);
    }
    const top = await c.get(`${w.base}/objects${q({ delimiter: '/' })}`);
    expect(top.status).toBe(200);
    expect(top.body.folders).toEqual(['docs/', 'photos/']);
    expect(top.body.objects.map((o: any) => o.key)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(top.body.objects[0]).toMatchObject({
      size: 'content of a.txt'.length,
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(new Date(top.body.objects[0].lastModified).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(top.body.nextToken).toBeNull();

    // Two entries a page: objects and folders count alike, and no entry repeats or goes missing across pages.
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: any = await c.get(`${w.base}/objects${q({ delimiter: '/', limit: 2, ...(token && { token }) })}`);
      expect(page.status).toBe(200);
      expect(page.body.objects.length + page.body.folders.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.objects.map((o: any) => o.key), ...page.body.folders);
      token = page.body.nextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'docs/', 'photos/']);

    const inDocs = await c.get(`${w.base}/objects${q({ delimiter: '/', prefix: 'docs/' })}`);
    expect(inDocs.body.folders).toEqual(['docs/deep/']);
    expect(inDocs.body.objects.map((o: any) => o.key)).toEqual(['docs/one.md', 'docs/two.md']);
    const filtered = await c.get(`${w.base}/objects${q({ delimiter: '/', prefix: 'docs/t' })}`);
    expect(filtered.body.objects.map((o: any) => o.key)).toEqual(['docs/two.md']);
    const flat = await c.get(`${w.base}/objects`);
    expect(flat.body.folders).toEqual([]);
    expect(flat.body.objects).toHaveLength(7);
  });

  it('refuses a bad limit, delimiter or token', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const bads: Record<string, string | number>[] = [
      { limit: 0 },
      { limit: 1001 },
      { limit: 'ten' },
      { delimiter: ',' },
      { token: 'not a token!' },
    ];
    for (const bad of bads) {
      const res = await c.get(`${w.base}/objects${q(bad)}`);
      expect([res.status, res.body.error.code], JSON.stringify(bad)).toEqual([400, 'invalid_input']);
    }
  });

  it('uploads a small object, refuses to replace it unless asked, and downloads it as an attachment', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const created = await put(c, w.base, 'notes/hello world.txt', 'hello');
    expect(created.status).toBe(201);
    expect(created.body.object).toMatchObject({
      key: 'notes/hello world.txt',
      size: 5,
      etag: '5d41402abc4b2a76b9719d911017c592',
    });
    const stored = await env.R2_THAILAND_1.get(`${w.bucket}/notes/hello world.txt`);
    expect(await stored!.text()).toBe('hello');
    expect(stored!.httpMetadata?.contentType).toBe('text/plain');

    const again = await put(c, w.base, 'notes/hello world.txt', 'other');
    expect([again.status, again.body.error.code]).toEqual([409, 'object_exists']);
    expect(again.body.error.message).toContain('already exists');
    expect(await (await env.R2_THAILAND_1.get(`${w.bucket}/notes/hello world.txt`))!.text()).toBe('hello');
    expect((await put(c, w.base, 'notes/hello world.txt', 'replaced', { overwrite: true })).status).toBe(201);

    const download = await raw(c, 'GET', `${w.base}/object${q({ key: 'notes/hello world.txt' })}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('replaced');
    expect(download.headers.get('Content-Disposition')).toBe(
      `attachment; filename="hello world.txt"; filename*=UTF-8''hello%20world.txt`,
    );
    expect(download.headers.get('Content-Type')).toBe('text/plain');
    expect(download.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(download.headers.get('Content-Security-Policy')).toContain('sandbox');
    const head = await raw(c, 'HEAD', `${w.base}/object${q({ key: 'notes/hello world.txt' })}`);
    expect([head.status, head.headers.get('Content-Length')]).toEqual([200, '8']);
  });

  it('keeps object bytes exactly, including a non-ASCII name', async () => {
    const w = await bucketWorld();
    const data = new Uint8Array(70_000).map((_, i) => (i * 7919) & 0xff);
    const res = await raw(w.member.client, 'PUT', `${w.base}/object${q({ key: 'данные/ファイル.bin' })}`, data, {
      'Content-Type': 'application/octet-stream',
    });
    expect(res.status).toBe(201);
    const got = await raw(w.member.client, 'GET', `${w.base}/object${q({ key: 'данные/ファイル.bin' })}`);
    expect(await sha256(await got.arrayBuffer())).toBe(await sha256(data));
    expect(got.headers.get('Content-Disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('ファイル.bin')}`);
  });

  it('refuses an upload without a key, with an overlong key, or larger than one simple upload', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const noKey = await put(c, w.base, '', 'x');
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'invalid_input']);
    const long = await put(c, w.base, 'k'.repeat(1100), 'x');
    expect([long.status, long.body.error.code]).toEqual([400, 'key_too_long']);
    const big = await raw(c, 'PUT', `${w.base}/object${q({ key: 'big.bin' })}`, new Uint8Array(8 * 1024 ** 2 + 1));
    expect([big.status, ((await big.json()) as any).error.code]).toEqual([413, 'too_large']);
    expect(await env.R2_THAILAND_1.head(`${w.bucket}/big.bin`)).toBeNull();
    const badType = await raw(c, 'PUT', `${w.base}/object${q({ key: 't' })}`, 'x', {
      'Content-Type': `text/${'x'.repeat(300)}`,
    });
    expect([badType.status, ((await badType.json()) as any).error.code]).toEqual([400, 'invalid_input']);
  });

  it("downloading a missing object says no_such_key, in the API's own vocabulary", async () => {
    const w = await bucketWorld();
    const res = await raw(w.member.client, 'GET', `${w.base}/object${q({ key: 'nothing-here' })}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'no_such_key', message: 'No object named "nothing-here" in this bucket.' },
    });
  });

  it('deletes an object (trash icon), and deleting a missing one is no error, as in S3', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await put(c, w.base, 'doomed.txt', 'bye');
    expect((await c.delete(`${w.base}/object${q({ key: 'doomed.txt' })}`)).status).toBe(204);
    expect(await env.R2_THAILAND_1.head(`${w.bucket}/doomed.txt`)).toBeNull();
    expect((await c.delete(`${w.base}/object${q({ key: 'doomed.txt' })}`)).status).toBe(204);
    expect((await c.delete(`${w.base}/object`)).body.error.code).toBe('invalid_input');
  });

  it('bucket stats count objects, bytes and unfinished uploads of this bucket only', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const empty = await c.get(`${w.base}/stats`);
    expect(empty.body.stats).toEqual({ objects: 0, bytes: 0, complete: true, uploads: 0 });
    await put(c, w.base, 'a', '12345');
    await put(c, w.base, 'b/c', '123');
    await env.R2_THAILAND_1.put(`${w.bucket}x/not-mine`, 'other bucket with a longer name');
    await c.post(`${w.base}/uploads`, { key: 'pending.bin' });
    const stats = await c.get(`${w.base}/stats`);
    expect(stats.body.stats).toEqual({ objects: 2, bytes: 8, complete: true, uploads: 1 });
  });
});
