import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deleteBucket as deleteBucketRow, deleteTombstonesBefore } from '../../../src/db/buckets';
import { BUCKET_SETTLE_MS } from '../../../src/service/bucket-cache';
import { s3World, unique, xmlText } from './s3-fixtures';

// Bucket rows are cached for a few seconds per isolate (src/service/bucket-cache.ts). A delete through this
// isolate is seen at once; a delete made elsewhere (simulated by deleting the row straight in D1, as another
// isolate would) may be missed for BUCKET_CACHE_MS, and the rules that make that harmless are tested here.

const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];

describe('bucket cache', () => {
  it('a bucket deleted through this isolate is gone at once', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x' })).status).toBe(200); // cached now
    await w.s3.fetch(`/${b}/k`, { method: 'DELETE' });
    expect((await w.s3.fetch(`/${b}`, { method: 'DELETE' })).status).toBe(204);
    expect(await code(await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'y' }))).toEqual([404, 'NoSuchBucket']);
  });

  it('a name deleted elsewhere is reserved for its project, and starts empty when created again', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    expect((await w.s3.fetch(`/${b}/before`, { method: 'PUT', body: 'x' })).status).toBe(200);
    await w.s3.fetch(`/${b}/before`, { method: 'DELETE' });
    // Another isolate deletes the bucket; this one still holds the row for a few seconds, and writes through it.
    await deleteBucketRow(env.DB, 'thailand-1', b, Date.now());
    expect((await w.s3.fetch(`/${b}/stale-write`, { method: 'PUT', body: 'late' })).status).toBe(200);

    // No other project may take the name while caches may still point at the old bucket: S3's OperationAborted.
    expect(await code(await other.s3.fetch(`/${b}`, { method: 'PUT' }))).toEqual([409, 'OperationAborted']);
    const viaConsole = await other.admin.post(`/projects/${other.project}/buckets`, { site: 'thailand-1', name: b });
    expect([viaConsole.status, viaConsole.body.error?.code ?? viaConsole.body.code]).toEqual([
      409,
      'bucket_name_settling',
    ]);

    // Its own project may, and gets an empty bucket: what the stale cache let through was swept.
    expect((await w.s3.fetch(`/${b}`, { method: 'PUT' })).status).toBe(200);
    expect(await env.R2_THAILAND_1.head(`${b}/stale-write`)).toBeNull();
  });

  it('after the settling time any project may create the name', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    await deleteBucketRow(env.DB, 'thailand-1', b, Date.now() - BUCKET_SETTLE_MS - 1);
    expect((await other.s3.fetch(`/${b}`, { method: 'PUT' })).status).toBe(200);
    expect(await code(await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x' }))).toEqual([403, 'AccessDenied']);
  });

  it('a bucket that does not exist is not cached: created elsewhere, it is usable at once', async () => {
    const w = await s3World();
    const name = unique('later');
    expect(await code(await w.s3.fetch(`/${name}/k`, { method: 'PUT', body: 'x' }))).toEqual([404, 'NoSuchBucket']);
    await env.DB.prepare('INSERT INTO buckets (site_id, name, project_id, created_at) VALUES (?, ?, ?, ?)')
      .bind('thailand-1', name, w.project, Date.now())
      .run();
    expect((await w.s3.fetch(`/${name}/k`, { method: 'PUT', body: 'x' })).status).toBe(200);
  });

  it('the daily cron forgets tombstones older than a day, not newer ones', async () => {
    const w = await s3World();
    const [old, recent] = [await w.newBucket('old'), await w.newBucket('recent')];
    const now = Date.now();
    await deleteBucketRow(env.DB, 'thailand-1', old, now - 25 * 3600 * 1000);
    await deleteBucketRow(env.DB, 'thailand-1', recent, now);
    await deleteTombstonesBefore(env.DB, now - 24 * 3600 * 1000);
    const names = await env.DB.prepare('SELECT name FROM bucket_tombstones WHERE name IN (?, ?)')
      .bind(old, recent)
      .all<{ name: string }>();
    expect(names.results.map((r) => r.name)).toEqual([recent]);
  });
});
