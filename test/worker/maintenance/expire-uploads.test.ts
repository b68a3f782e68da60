import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expireUploads } from '../../../src/maintenance/expire-uploads';
import { siteRegistry } from '../../../src/sites';
import { s3World, xmlText } from '../s3/s3-fixtures';

const MiB = 1024 * 1024;

describe('expireUploads (the cron cleanup)', () => {
  it('aborts uploads older than the age limit, with their R2 uploads and staged parts, and leaves younger ones', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const ids: string[] = [];
    for (const key of ['old', 'young']) {
      const id = xmlText(await (await w.s3.fetch(`/${b}/${key}?uploads`, { method: 'POST' })).text(), 'UploadId')!;
      await w.s3.fetch(`/${b}/${key}?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'part' });
      // A staged part too (its size fits no uniform layout: 5 MiB + 1 set the part size, 6 MiB does not match).
      await w.s3.fetch(`/${b}/${key}?partNumber=2&uploadId=${id}`, {
        method: 'PUT',
        body: new Uint8Array(5 * MiB + 1),
      });
      await w.s3.fetch(`/${b}/${key}?partNumber=3&uploadId=${id}`, { method: 'PUT', body: new Uint8Array(6 * MiB) });
      ids.push(id);
    }
    const native = async (id: string) => {
      const row = await env.DB.prepare('SELECT key, r2_upload_id FROM multipart_uploads WHERE upload_id = ?')
        .bind(id)
        .first<{ key: string; r2_upload_id: string }>();
      return env.R2_THAILAND_1.resumeMultipartUpload(`${b}/${row!.key}`, row!.r2_upload_id);
    };
    const oldUpload = await native(ids[0]);
    const youngUpload = await native(ids[1]);
    const day = 24 * 3600 * 1000;
    await env.DB.prepare('UPDATE multipart_uploads SET created_at = ? WHERE upload_id = ?')
      .bind(Date.now() - 8 * day, ids[0])
      .run();

    const aborted = await expireUploads(env.DB, siteRegistry(env), Date.now(), 7);
    expect(aborted).toBeGreaterThanOrEqual(1);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${ids[0]}/` })).objects).toEqual([]);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${ids[1]}/` })).objects).toHaveLength(1);
    // The old one's R2 multipart upload is aborted (no part goes in any more), the young one's is open.
    await expect(oldUpload.uploadPart(9, 'x')).rejects.toThrow();
    expect((await youngUpload.uploadPart(9, 'x')).etag).toBeTruthy();
    const gone = await w.s3.fetch(`/${b}/old?uploadId=${ids[0]}`);
    expect(gone.status).toBe(404);
    expect((await w.s3.fetch(`/${b}/young?uploadId=${ids[1]}`)).status).toBe(200);
    // A configurable age: with 0 days, the young one goes too.
    await expireUploads(env.DB, siteRegistry(env), Date.now() + 1000, 0);
    expect((await w.s3.fetch(`/${b}/young?uploadId=${ids[1]}`)).status).toBe(404);
  }, 60_000);

  it("forgets completed uploads' answers after a day", async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = xmlText(await (await w.s3.fetch(`/${b}/done?uploads`, { method: 'POST' })).text(), 'UploadId')!;
    const part = await w.s3.fetch(`/${b}/done?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'part' });
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get('ETag')}</ETag></Part></CompleteMultipartUpload>`;
    const complete = () => w.s3.fetch(`/${b}/done?uploadId=${id}`, { method: 'POST', body });
    expect((await complete()).status).toBe(200);
    await expireUploads(env.DB, siteRegistry(env), Date.now() + 3600 * 1000, 7);
    expect((await complete()).status).toBe(200);
    await expireUploads(env.DB, siteRegistry(env), Date.now() + 25 * 3600 * 1000, 7);
    expect((await complete()).status).toBe(404);
  });
});
