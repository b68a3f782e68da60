import { objectEtagsBetween } from '../db/object-records';
import type { ListEntry } from './listing';

/**
 * The S3 ETags of the multipart objects on a listing page, by R2 key. Listings ask R2 for no metadata (with it,
 * R2 returns at most 100 objects a call: see migrations/0005_object_etags.sql), so a multipart object's ETag,
 * which is not R2's own, comes from D1: one read for the page's key range, and only rows of the very version
 * listed count. Every other object's S3 ETag is R2's.
 */
export async function listedEtags(db: D1Database, siteId: string, entries: ListEntry[]): Promise<Map<string, string>> {
  const objects = entries.filter((e): e is R2Object => typeof e !== 'string');
  const etags = new Map<string, string>();
  if (objects.length === 0) return etags;
  const versions = new Map(objects.map((o) => [o.key, o.version]));
  for (const row of await objectEtagsBetween(db, siteId, objects[0].key, objects[objects.length - 1].key)) {
    if (versions.get(row.r2_key) === row.version) etags.set(row.r2_key, row.etag);
  }
  return etags;
}
