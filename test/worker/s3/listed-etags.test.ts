import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, xmlAll, xmlText } from './s3-fixtures';

// Listings read no R2 metadata (100 objects a call with it, 1,000 without), so a multipart object's S3 ETag
// comes from D1 (object_etags), tied to the object version: listing and HEAD must always agree.
const MiB = 1024 * 1024;

describe('ETags in listings', () => {
  it('a multipart object lists with its "-N" ETag, as HEAD shows it; overwritten or deleted, the row no longer counts', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/a-plain`, { method: 'PUT', body: 'plain' });
    const start = await w.s3.fetch(`/${b}/m?uploads`, { method: 'POST' });
    const id = xmlText(await start.text(), 'UploadId')!;
    const etags: string[] = [];
    for (const [n, body] of [new Uint8Array(5 * MiB).fill(7), new Uint8Array(10).fill(8)].entries()) {
      const res = await w.s3.fetch(`/${b}/m?partNumber=${n + 1}&uploadId=${id}`, { method: 'PUT', body });
      etags.push(res.headers.get('ETag')!);
    }
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await w.s3.fetch(`/${b}/m?uploadId=${id}`, { method: 'POST', body: xml });
    const etag = xmlText(await done.text(), 'ETag')!.replace(/&quot;/g, '"');
    expect(etag).toMatch(/^"[0-9a-f]{32}-2"$/);

    const listed = async () => {
      const page = await (await w.s3.fetch(`/${b}?list-type=2`)).text();
      return Object.fromEntries(
        xmlAll(page, 'Key').map((k, i) => [k, xmlAll(page, 'ETag')[i].replace(/&quot;/g, '"')]),
      );
    };
    const head = async (key: string) => (await w.s3.fetch(`/${b}/${key}`, { method: 'HEAD' })).headers.get('ETag');
    expect(await listed()).toEqual({ 'a-plain': await head('a-plain'), m: etag });
    expect(await head('m')).toBe(etag);
    const viaConsole = await w.admin.get(`/projects/${w.project}/buckets/thailand-1/${b}/objects`);
    expect(viaConsole.body.objects.find((o: { key: string }) => o.key === 'm').etag).toBe(etag.replace(/"/g, ''));

    // A plain overwrite: a new version, so the recorded multipart ETag is not its ETag.
    await w.s3.fetch(`/${b}/m`, { method: 'PUT', body: 'now plain' });
    expect((await listed()).m).toBe(await head('m'));
    expect((await listed()).m).not.toBe(etag);

    await w.s3.fetch(`/${b}/m`, { method: 'DELETE' });
    await expect
      .poll(() => env.DB.prepare('SELECT COUNT(*) AS n FROM object_etags WHERE r2_key = ?').bind(`${b}/m`).first('n'))
      .toBe(0);
  });
});
