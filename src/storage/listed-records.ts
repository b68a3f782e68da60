import { objectEtagsBetween } from '../db/object-records';
import type { ListEntry } from './listing';

type RangeRead = (
  db: D1Database,
  siteId: string,
  first: string,
  last: string,
) => Promise<{ r2_key: string; version: string; value: string }[]>;

/**
 * The per-version records (src/db/object-records.ts) of the objects on a listing page, by R2 key: one D1 read
 * for the page's key range, and only rows of the very version listed count.
 */
export async function listedRecords(
  db: D1Database,
  siteId: string,
  entries: ListEntry[],
  read: RangeRead,
): Promise<Map<string, string>> {
  const objects = entries.filter((e): e is R2Object => typeof e !== 'string');
  const found = new Map<string, string>();
  if (objects.length === 0) return found;
  const versions = new Map(objects.map((o) => [o.key, o.version]));
  for (const row of await read(db, siteId, objects[0].key, objects[objects.length - 1].key)) {
    if (versions.get(row.r2_key) === row.version) found.set(row.r2_key, row.value);
  }
  return found;
}

/**
 * The S3 ETags of the multipart objects on a listing page, by R2 key. Listings ask R2 for no metadata (with it,
 * R2 returns at most 100 objects a call: see migrations/0005_object_etags.sql), so a multipart object's ETag,
 * which is not R2's own, comes from D1. Every other object's S3 ETag is R2's.
 */
export const listedEtags = (db: D1Database, siteId: string, entries: ListEntry[]) =>
  listedRecords(db, siteId, entries, objectEtagsBetween);
