/**
 * Object and bucket tags (migrations/0007_tagging.sql). An object's tags are one row per R2 key naming the
 * version they belong to, like the other per-version records (./object-records.ts, which also forgets them with
 * the object and the bucket); a bucket's are a column of its row. Tags are stored as JSON [[key, value], ...].
 */

/** Sets the tags of this version of the object, in one round trip with the bucket's `tagged_objects` mark. */
export async function putObjectTags(
  db: D1Database,
  siteId: string,
  bucket: string,
  r2key: string,
  version: string,
  tags: string,
): Promise<{ marked: boolean }> {
  const [, mark] = await db.batch([
    db
      .prepare(
        `INSERT INTO object_tags (site_id, r2_key, version, tags) VALUES (?, ?, ?, ?)
         ON CONFLICT (site_id, r2_key) DO UPDATE SET version = excluded.version, tags = excluded.tags`,
      )
      .bind(siteId, r2key, version, tags),
    db
      .prepare('UPDATE buckets SET tagged_objects = 1 WHERE site_id = ? AND name = ? AND tagged_objects = 0')
      .bind(siteId, bucket),
  ]);
  return { marked: (mark.meta.changes ?? 0) > 0 };
}

/** The tags recorded for the key, with the version they belong to (the caller compares it), or null. */
export const findObjectTags = (db: D1Database, siteId: string, r2key: string) =>
  db
    .prepare('SELECT version, tags FROM object_tags WHERE site_id = ? AND r2_key = ?')
    .bind(siteId, r2key)
    .first<{ version: string; tags: string }>();

/** Removes the key's tags (DeleteObjectTagging, or an empty tag set). */
export const deleteObjectTags = (db: D1Database, siteId: string, r2key: string) =>
  db.prepare('DELETE FROM object_tags WHERE site_id = ? AND r2_key = ?').bind(siteId, r2key).run();

/** Sets (JSON) or removes (null) a bucket's own tags. */
export const updateBucketTags = (db: D1Database, siteId: string, name: string, tags: string | null) =>
  db.prepare('UPDATE buckets SET tags = ? WHERE site_id = ? AND name = ?').bind(tags, siteId, name).run();
