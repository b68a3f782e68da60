import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expireUploads } from '../../../src/maintenance/expire-uploads';
import { siteRegistry } from '../../../src/sites';
import { s3World, xmlText } from '../s3/s3-fixtures';

describe('expireUploads (the cron cleanup)', () => {
  it('aborts uploads older than the age limit, with their staged parts, and leaves younger ones', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const ids: string[] = [];
    for (const key of ['old', 'young']) {
      const id = xmlText(await (await w.s3.fetch(`/${b}/${key}?uploads`, { method: 'POST' })).text(), 'UploadId')!;
      await w.s3.fetch(`/${b}/${key}?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'part' });
      ids.push(id);
    }
    const day = 24 * 3600 * 1000;
    await env.DB.prepare('UPDATE multipart_uploads SET created_at = ? WHERE upload_id = ?')
      .bind(Date.now() - 8 * day, ids[0])
      .run();

    const aborted = await expireUploads(env.DB, siteRegistry(env), Date.now(), 7);
    expect(aborted).toBeGreaterThanOrEqual(1);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${ids[0]}/` })).objects).toEqual([]);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${ids[1]}/` })).objects).toHaveLength(1);
    const gone = await w.s3.fetch(`/${b}/old?uploadId=${ids[0]}`);
    expect(gone.status).toBe(404);
    expect((await w.s3.fetch(`/${b}/young?uploadId=${ids[1]}`)).status).toBe(200);
    // A configurable age: with 0 days, the young one goes too.
    await expireUploads(env.DB, siteRegistry(env), Date.now() + 1000, 0);
    expect((await w.s3.fetch(`/${b}/young?uploadId=${ids[1]}`)).status).toBe(404);
  });
});
