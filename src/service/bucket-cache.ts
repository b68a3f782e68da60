import { findBucket, type BucketRow } from '../db/buckets';

/**
 * Bucket rows cached in the isolate for BUCKET_CACHE_MS, so that an S3 request whose key is cached too costs no
 * D1 read at all (src/s3/auth/authenticate.ts). A bucket's project never changes; what a stale entry can get
 * wrong is only a deletion by another isolate, for at most this long. Two rules make that harmless:
 * - a deleted name is reserved for its project for BUCKET_SETTLE_MS (> the cache time), so no other project's
 *   new bucket can be reached through an old project's stale entry (migrations/0004_bucket_tombstones.sql);
 * - objects written through a stale entry after the delete are swept when the name is created again.
 * Only buckets that exist are cached: a bucket created a moment ago is usable at once everywhere.
 * The row carries the bucket's settings too (CORS rules, ...): a change reaches other isolates within this time.
 */
export const BUCKET_CACHE_MS = 5_000;
export const BUCKET_SETTLE_MS = 2 * BUCKET_CACHE_MS;

const cache = new Map<string, { row: BucketRow; until: number }>();
const id = (siteId: string, name: string) => `${siteId}\n${name}`;

function cachedBucket(siteId: string, name: string, now: number): BucketRow | null {
  const hit = cache.get(id(siteId, name));
  return hit && hit.until > now ? hit.row : null;
}

export function rememberBucket(row: BucketRow, now: number): void {
  if (cache.size >= 10_000) cache.clear();
  cache.set(id(row.site_id, row.name), { row, until: now + BUCKET_CACHE_MS });
}

/** The bucket's row from the cache, or from D1 (and then cached); null when it does not exist. */
export async function loadBucket(db: D1Database, siteId: string, name: string, now: number): Promise<BucketRow | null> {
  const hit = cachedBucket(siteId, name, now);
  if (hit) return hit;
  const row = await findBucket(db, siteId, name);
  if (row) rememberBucket(row, now);
  return row;
}

/**
 * A bucket deleted, or its settings changed, through this isolate is forgotten here at once; other isolates keep
 * their row until it expires.
 */
export function forgetBucket(siteId: string, name: string): void {
  cache.delete(id(siteId, name));
}

/** A project's switch changed: its buckets are read afresh here at once (elsewhere within BUCKET_CACHE_MS). */
export function forgetProjectBuckets(projectId: string): void {
  for (const [id, entry] of cache) if (entry.row.project_id === projectId) cache.delete(id);
}

/** For tests: as a fresh isolate. */
export function clearBucketCache(): void {
  cache.clear();
}
