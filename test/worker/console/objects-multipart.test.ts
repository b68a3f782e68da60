import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ConsoleClient } from '../console-client';
import { bucketWorld, bytes, put, q, raw, sha256 } from './objects-support';

/** Browser multipart uploads through the console API, on the multipart service shared with S3. */
const MiB = 1024 ** 2;

async function sendPart(
  c: ConsoleClient,
  base: string,
  key: string,
  uploadId: string,
  n: number | string,
  data: Uint8Array,
) {
  const res = await raw(c, 'PUT', `${base}/uploads/${uploadId}/parts/${n}${q({ key })}`, data);
  return { status: res.status, body: (await res.json()) as any };
}

describe('console multipart uploads', () => {
  it('start → parts → complete stores the bytes exactly, with an S3 multipart ETag', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const start = await c.post(`${w.base}/uploads`, { key: 'big/file.bin', contentType: 'application/x-test' });
    expect(start.status).toBe(201);
    expect(start.body.upload).toMatchObject({ key: 'big/file.bin', partSize: 8 * MiB, minPartSize: 5 * MiB });
    const { uploadId } = start.body.upload;
    const first = bytes(5 * MiB, 1);
    const second = bytes(123_456, 2);
    // Parts may arrive in any order.
    const p2 = await sendPart(c, w.base, 'big/file.bin', uploadId, 2, second);
    const p1 = await sendPart(c, w.base, 'big/file.bin', uploadId, 1, first);
    expect(p1).toMatchObject({
      status: 200,
      body: { part: { number: 1, size: 5 * MiB, etag: expect.stringMatching(/^[0-9a-f]{32}$/) } },
    });
    expect(p2.body.part.size).toBe(123_456);
    const done = await c.post(`${w.base}/uploads/${uploadId}/complete${q({ key: 'big/file.bin' })}`, {
      parts: [p1.body.part, p2.body.part],
    });
    expect(done.status).toBe(200);
    expect(done.body.object).toMatchObject({
      key: 'big/file.bin',
      size: 5 * MiB + 123_456,
      etag: expect.stringMatching(/-2$/),
    });

    const got = await raw(c, 'GET', `${w.base}/object${q({ key: 'big/file.bin' })}`);
    expect(got.headers.get('Content-Type')).toBe('application/x-test');
    expect(got.headers.get('ETag')).toBe(`"${done.body.object.etag}"`);
    const all = new Uint8Array(first.length + second.length);
    all.set(first);
    all.set(second, first.length);
    expect(await sha256(await got.arrayBuffer())).toBe(await sha256(all));
    // Completed: the upload and its staged parts are gone.
    expect((await c.get(`${w.base}/stats`)).body.stats.uploads).toBe(0);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${uploadId}/` })).objects).toEqual([]);
  });

  it("completing refuses by S3's rules: a small middle part, a wrong ETag, a bad part list", async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const { uploadId } = (await c.post(`${w.base}/uploads`, { key: 'k' })).body.upload;
    const p1 = (await sendPart(c, w.base, 'k', uploadId, 1, bytes(1000))).body.part;
    const p2 = (await sendPart(c, w.base, 'k', uploadId, 2, bytes(1000))).body.part;
    const path = `${w.base}/uploads/${uploadId}/complete${q({ key: 'k' })}`;
    const small = await c.post(path, { parts: [p1, p2] });
    expect([small.status, small.body.error.code]).toEqual([400, 'part_too_small']);
    const wrong = await c.post(path, { parts: [{ number: 1, etag: '0'.repeat(32) }] });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'invalid_part']);
    const order = await c.post(path, { parts: [p2, p1] });
    expect(order.body.error.code).toBe('invalid_part_order');
    for (const parts of [undefined, [], 'x', [{ number: 'one', etag: 'x' }]]) {
      const bad = await c.post(path, { parts });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    }
    // A single (last) part of any size is fine.
    const one = await c.post(path, { parts: [p1] });
    expect([one.status, one.body.object.size]).toEqual([200, 1000]);
  });

  it('refuses bad part numbers, an unknown upload, another key, and a part too large for one request', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const { uploadId } = (await c.post(`${w.base}/uploads`, { key: 'k' })).body.upload;
    for (const n of ['0', '10001', 'x']) {
      const res = await sendPart(c, w.base, 'k', uploadId, n, bytes(10));
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_part_number']);
    }
    const unknown = await sendPart(c, w.base, 'k', 'no-such-upload', 1, bytes(10));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'no_such_upload']);
    const otherKey = await sendPart(c, w.base, 'other', uploadId, 1, bytes(10));
    expect(otherKey.body.error.code).toBe('no_such_upload');
    const tooBig = await raw(c, 'PUT', `${w.base}/uploads/${uploadId}/parts/1${q({ key: 'k' })}`, 'x', {
      'Content-Length': String(100 * 1000 ** 2 + 1),
    }).catch((err) => err);
    // workerd may refuse a lying Content-Length itself; when it reaches us, it is too_large.
    if (tooBig instanceof Response) expect(tooBig.status).toBe(413);
    const noKey = await c.post(`${w.base}/uploads`, {});
    expect(noKey.body.error.code).toBe('invalid_input');
  });

  it('abort discards the parts (in the R2 upload and staged); the upload is then unknown', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const { uploadId } = (await c.post(`${w.base}/uploads`, { key: 'gone' })).body.upload;
    // 5 MiB sets the part size and goes into the R2 upload; 5 MiB + 1 fits no uniform layout and is staged.
    await sendPart(c, w.base, 'gone', uploadId, 1, bytes(5 * MiB));
    await sendPart(c, w.base, 'gone', uploadId, 2, bytes(5 * MiB + 1));
    const row = await env.DB.prepare('SELECT r2_upload_id FROM multipart_uploads WHERE upload_id = ?')
      .bind(uploadId)
      .first<{ r2_upload_id: string }>();
    const native = env.R2_THAILAND_1.resumeMultipartUpload(`${w.bucket}/gone`, row!.r2_upload_id);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${uploadId}/` })).objects).toHaveLength(1);
    expect((await c.delete(`${w.base}/uploads/${uploadId}${q({ key: 'gone' })}`)).status).toBe(204);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${uploadId}/` })).objects).toEqual([]);
    await expect(native.uploadPart(3, 'x')).rejects.toThrow();
    const again = await c.delete(`${w.base}/uploads/${uploadId}${q({ key: 'gone' })}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'no_such_upload']);
    expect(await env.R2_THAILAND_1.head(`${w.bucket}/gone`)).toBeNull();
  });

  it('does not replace an existing object unless asked: at start, and again at completion', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    await put(c, w.base, 'taken', 'original');
    const refused = await c.post(`${w.base}/uploads`, { key: 'taken' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'object_exists']);

    // Created meanwhile (e.g. by an S3 client): completion refuses, the upload stays, overwrite completes it.
    const { uploadId } = (await c.post(`${w.base}/uploads`, { key: 'raced' })).body.upload;
    const part = (await sendPart(c, w.base, 'raced', uploadId, 1, bytes(100))).body.part;
    await put(c, w.base, 'raced', 'first');
    const path = `${w.base}/uploads/${uploadId}/complete${q({ key: 'raced' })}`;
    const lost = await c.post(path, { parts: [part] });
    expect([lost.status, lost.body.error.code]).toEqual([409, 'object_exists']);
    expect(await (await env.R2_THAILAND_1.get(`${w.bucket}/raced`))!.text()).toBe('first');
    const replaced = await c.post(path, { parts: [part], overwrite: true });
    expect([replaced.status, replaced.body.object.size]).toEqual([200, 100]);

    const started = await c.post(`${w.base}/uploads`, { key: 'taken', overwrite: true });
    expect(started.status).toBe(201);
  });
});

describe('empty and delete', () => {
  it('needs the bucket name typed, then deletes objects, unfinished uploads and the bucket', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    for (let i = 0; i < 5; i++) await put(c, w.base, `o/${i}`, 'x');
    const { uploadId } = (await c.post(`${w.base}/uploads`, { key: 'pending' })).body.upload;
    await sendPart(c, w.base, 'pending', uploadId, 1, bytes(10));

    const plain = await c.delete(w.base);
    expect([plain.status, plain.body.error.code]).toEqual([409, 'bucket_not_empty']);
    const mismatch = await c.post(`${w.base}/empty-and-delete`, { confirm: 'wrong-name' });
    expect([mismatch.status, mismatch.body.error.code]).toEqual([400, 'confirmation_mismatch']);
    expect(mismatch.body.error.message).toContain(w.bucket);
    expect((await c.post(`${w.base}/empty-and-delete`, {})).body.error.code).toBe('invalid_input');
    expect((await env.R2_THAILAND_1.list({ prefix: `${w.bucket}/` })).objects).toHaveLength(5);

    const done = await c.post(`${w.base}/empty-and-delete`, { confirm: w.bucket });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ deleted: true, objectsDeleted: 5, uploadsAborted: 1 });
    expect((await env.R2_THAILAND_1.list({ prefix: `${w.bucket}/` })).objects).toEqual([]);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${uploadId}/` })).objects).toEqual([]);
    expect((await c.get(w.base)).status).toBe(404);
  });

  it('an empty bucket is simply deleted', async () => {
    const w = await bucketWorld();
    const done = await w.member.client.post(`${w.base}/empty-and-delete`, { confirm: w.bucket });
    expect([done.status, done.body]).toEqual([200, { deleted: true, objectsDeleted: 0, uploadsAborted: 0 }]);
  });
});
