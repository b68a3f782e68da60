import type { Site } from '../sites';

/**
 * All buckets of a site share the site's one R2 bucket; an object is stored under "<bucket>/<key>".
 * R2 keys are limited to 1024 bytes, so an S3 key may be at most 1023 - len(bucket) bytes here
 * (S3's own limit is 1024): see objectKeyLimit.
 */
export const R2_KEY_LIMIT = 1024;

export const bucketPrefix = (bucket: string) => `${bucket}/`;
export const storageKey = (bucket: string, key: string) => `${bucket}/${key}`;
export const objectKeyLimit = (bucket: string) => R2_KEY_LIMIT - bucketPrefix(bucket).length;

/** Whether any object is stored in the bucket. */
export async function bucketHasObjects(site: Site, bucket: string): Promise<boolean> {
  const page = await site.bucket.list({ prefix: bucketPrefix(bucket), limit: 1 });
  return page.objects.length > 0;
}

/**
 * Deletes whatever is stored under a bucket's prefix: objects written, after a delete, through a bucket row still
 * cached elsewhere (src/service/bucket-cache.ts). Called when the name is created again, so the new bucket starts
 * empty. Returns how many objects were removed.
 */
export async function sweepBucketPrefix(site: Site, bucket: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await site.bucket.list({ prefix: bucketPrefix(bucket), limit: 1000 });
    if (page.objects.length === 0) return removed;
    await site.bucket.delete(page.objects.map((o) => o.key));
    removed += page.objects.length;
  }
}
