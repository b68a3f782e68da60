/** S3 ETags of multipart objects, for listings (see migrations/0005_object_etags.sql). */

export const putObjectEtag = (db: D1Database, siteId: string, r2key: string, version: string, etag: string) =>
  db
    .prepare(
      `INSERT INTO object_etags (site_id, r2_key, version, etag) VALUES (?, ?, ?, ?)
       ON CONFLICT (site_id, r2_key) DO UPDATE SET version = excluded.version, etag = excluded.etag`,
    )
    .bind(siteId, r2key, version, etag)
    .run();

/** The rows of every key from `first` to `last` (inclusive): one indexed range read for a listing page. */
export const objectEtagsBetween = async (db: D1Database, siteId: string, first: string, last: string) =>
  (
    await db
      .prepare('SELECT r2_key, version, etag FROM object_etags WHERE site_id = ? AND r2_key >= ? AND r2_key <= ?')
      .bind(siteId, first, last)
      .all<{ r2_key: string; version: string; etag: string }>()
  ).results;
