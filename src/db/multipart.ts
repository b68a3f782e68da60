export interface UploadRow {
  upload_id: string;
  site_id: string;
  bucket: string;
  key: string;
  metadata: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  created_at: number;
  /** The canned ACL for the completed object, when one was asked for. */
  acl: string | null;
  /** The tags for the completed object (x-amz-tagging) as JSON [[key, value], ...], when some were asked for. */
  tagging: string | null;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  checksum: string | null;
  r2_key: string;
  uploaded_at: number;
}

export const insertUpload = (db: D1Database, u: UploadRow) =>
  db
    .prepare(
      `INSERT INTO multipart_uploads
         (upload_id, site_id, bucket, key, metadata, checksum_algorithm, checksum_type, created_at, acl, tagging)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      u.upload_id,
      u.site_id,
      u.bucket,
      u.key,
      u.metadata,
      u.checksum_algorithm,
      u.checksum_type,
      u.created_at,
      u.acl,
      u.tagging,
    )
    .run();

export const findUpload = (db: D1Database, uploadId: string, siteId: string, bucket: string, key: string) =>
  db
    .prepare('SELECT * FROM multipart_uploads WHERE upload_id = ? AND site_id = ? AND bucket = ? AND key = ?')
    .bind(uploadId, siteId, bucket, key)
    .first<UploadRow>();

/** Records a part; returns the staged R2 key it replaced, if the part number was uploaded before. */
export async function upsertPart(db: D1Database, p: PartRow): Promise<string | null> {
  const [previous] = await db.batch([
    db
      .prepare('SELECT r2_key FROM multipart_parts WHERE upload_id = ? AND part_number = ?')
      .bind(p.upload_id, p.part_number),
    db
      .prepare(
        `INSERT INTO multipart_parts (upload_id, part_number, size, etag, checksum, r2_key, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
           checksum = excluded.checksum, r2_key = excluded.r2_key, uploaded_at = excluded.uploaded_at`,
      )
      .bind(p.upload_id, p.part_number, p.size, p.etag, p.checksum, p.r2_key, p.uploaded_at),
  ]);
  return (previous.results[0] as { r2_key: string } | undefined)?.r2_key ?? null;
}

export const listParts = async (db: D1Database, uploadId: string, afterPart = 0, limit = 10000) =>
  (
    await db
      .prepare('SELECT * FROM multipart_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?')
      .bind(uploadId, afterPart, limit)
      .all<PartRow>()
  ).results;

/** Deletes an upload and its part rows; returns the staged R2 keys to delete. */
export async function deleteUpload(db: D1Database, uploadId: string): Promise<string[]> {
  const [parts] = await db.batch([
    db.prepare('SELECT r2_key FROM multipart_parts WHERE upload_id = ?').bind(uploadId),
    db.prepare('DELETE FROM multipart_parts WHERE upload_id = ?').bind(uploadId),
    db.prepare('DELETE FROM multipart_uploads WHERE upload_id = ?').bind(uploadId),
  ]);
  return (parts.results as { r2_key: string }[]).map((r) => r.r2_key);
}

/**
 * Uploads in (key, upload id) order after a marker, for ListMultipartUploads. `prefix` is matched with
 * substr, not LIKE, so '%' and '_' in keys are plain characters.
 */
export const listUploads = async (
  db: D1Database,
  siteId: string,
  bucket: string,
  prefix: string,
  keyMarker: string,
  uploadIdMarker: string,
  limit: number,
) =>
  (
    await db
      .prepare(
        `SELECT * FROM multipart_uploads WHERE site_id = ?1 AND bucket = ?2 AND substr(key, 1, length(?3)) = ?3
         AND (key > ?4 OR (key = ?4 AND upload_id > ?5)) ORDER BY key, upload_id LIMIT ?6`,
      )
      .bind(siteId, bucket, prefix, keyMarker, uploadIdMarker, limit)
      .all<UploadRow>()
  ).results;

export const bucketHasUploads = async (db: D1Database, siteId: string, bucket: string) =>
  (await db
    .prepare('SELECT 1 FROM multipart_uploads WHERE site_id = ? AND bucket = ? LIMIT 1')
    .bind(siteId, bucket)
    .first()) !== null;

export const uploadsOlderThan = async (db: D1Database, before: number, limit: number) =>
  (
    await db
      .prepare('SELECT * FROM multipart_uploads WHERE created_at < ? ORDER BY created_at LIMIT ?')
      .bind(before, limit)
      .all<UploadRow>()
  ).results;
