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
  /** The R2 multipart upload the parts go into; null for an upload begun before migration 0008 (staged only). */
  r2_upload_id: string | null;
  /** The upload's uniform part size, claimed by its first part of at least 5 MiB (migrations/0008). */
  part_size: number | null;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  checksum: string | null;
  /** The staged object of a staged part; '' for a part in the R2 upload. */
  r2_key: string;
  uploaded_at: number;
  /** R2's ETag of a part in the R2 upload (what completion names it by); null for a staged part. */
  r2_etag: string | null;
}

export const insertUpload = (db: D1Database, u: UploadRow) =>
  db
    .prepare(
      `INSERT INTO multipart_uploads
         (upload_id, site_id, bucket, key, metadata, checksum_algorithm, checksum_type, created_at, acl, tagging,
          r2_upload_id, part_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      u.r2_upload_id,
      u.part_size,
    )
    .run();

export const findUpload = (db: D1Database, uploadId: string, siteId: string, bucket: string, key: string) =>
  db
    .prepare('SELECT * FROM multipart_uploads WHERE upload_id = ? AND site_id = ? AND bucket = ? AND key = ?')
    .bind(uploadId, siteId, bucket, key)
    .first<UploadRow>();

/**
 * The upload's uniform part size: `size` claims it when none is set yet; returns the one that holds (the first
 * claim wins a race).
 */
export async function claimPartSize(db: D1Database, uploadId: string, size: number): Promise<number | null> {
  const [, row] = await db.batch([
    db
      .prepare('UPDATE multipart_uploads SET part_size = ? WHERE upload_id = ? AND part_size IS NULL')
      .bind(size, uploadId),
    db.prepare('SELECT part_size FROM multipart_uploads WHERE upload_id = ?').bind(uploadId),
  ]);
  return (row.results[0] as { part_size: number | null } | undefined)?.part_size ?? null;
}

/** Whether a part numbered below `partNumber` is staged (then a later one cannot sit behind it natively). */
export const hasStagedPartBelow = async (db: D1Database, uploadId: string, partNumber: number) =>
  (await db
    .prepare('SELECT 1 FROM multipart_parts WHERE upload_id = ? AND part_number < ? AND r2_etag IS NULL LIMIT 1')
    .bind(uploadId, partNumber)
    .first()) !== null;

/**
 * Records a part, only while its upload exists (an upload aborted while the part was in flight gets no orphan
 * row). Returns whether it was recorded, and the staged R2 key it replaced, if the part number held a staged part.
 */
export async function upsertPart(db: D1Database, p: PartRow): Promise<{ recorded: boolean; replaced: string | null }> {
  const [previous, insert] = await db.batch([
    db
      .prepare("SELECT r2_key FROM multipart_parts WHERE upload_id = ? AND part_number = ? AND r2_key != ''")
      .bind(p.upload_id, p.part_number),
    db
      .prepare(
        `INSERT INTO multipart_parts (upload_id, part_number, size, etag, checksum, r2_key, uploaded_at, r2_etag)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS (SELECT 1 FROM multipart_uploads WHERE upload_id = ?1)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
           checksum = excluded.checksum, r2_key = excluded.r2_key, uploaded_at = excluded.uploaded_at,
           r2_etag = excluded.r2_etag`,
      )
      .bind(p.upload_id, p.part_number, p.size, p.etag, p.checksum, p.r2_key, p.uploaded_at, p.r2_etag),
  ]);
  const replaced = (previous.results[0] as { r2_key: string } | undefined)?.r2_key ?? null;
  return { recorded: insert.meta.changes > 0, replaced: replaced === p.r2_key ? null : replaced };
}

/** Forgets the parts in the R2 upload with these numbers (slots a completion is about to reuse). */
export const forgetNativeParts = async (db: D1Database, uploadId: string, numbers: number[]) => {
  for (let i = 0; i < numbers.length; i += 99) {
    const chunk = numbers.slice(i, i + 99);
    await db
      .prepare(
        `DELETE FROM multipart_parts WHERE upload_id = ? AND r2_etag IS NOT NULL AND part_number IN (${chunk.map(() => '?').join(', ')})`,
      )
      .bind(uploadId, ...chunk)
      .run();
  }
};

export const listParts = async (db: D1Database, uploadId: string, afterPart = 0, limit = 10000) =>
  (
    await db
      .prepare('SELECT * FROM multipart_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?')
      .bind(uploadId, afterPart, limit)
      .all<PartRow>()
  ).results;

/**
 * Deletes an upload and its part rows; returns the staged R2 keys to delete. With `completed`, records the
 * completion's answer in the same batch (for a retried CompleteMultipartUpload).
 */
export async function deleteUpload(db: D1Database, uploadId: string, completed?: CompletedRow): Promise<string[]> {
  const [parts] = await db.batch([
    db.prepare("SELECT r2_key FROM multipart_parts WHERE upload_id = ? AND r2_key != ''").bind(uploadId),
    db.prepare('DELETE FROM multipart_parts WHERE upload_id = ?').bind(uploadId),
    db.prepare('DELETE FROM multipart_uploads WHERE upload_id = ?').bind(uploadId),
    ...(completed
      ? [
          db
            .prepare(
              `INSERT OR REPLACE INTO completed_uploads
                 (upload_id, site_id, bucket, key, parts, etag, checksum, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(
              completed.upload_id,
              completed.site_id,
              completed.bucket,
              completed.key,
              completed.parts,
              completed.etag,
              completed.checksum,
              completed.completed_at,
            ),
        ]
      : []),
  ]);
  return (parts.results as { r2_key: string }[]).map((r) => r.r2_key);
}

/** The answer of a completed upload (migrations/0008_native_multipart.sql). */
export interface CompletedRow {
  upload_id: string;
  site_id: string;
  bucket: string;
  key: string;
  /** "<number>:<etag>,…", the part list the completion named. */
  parts: string;
  etag: string;
  checksum: string | null;
  completed_at: number;
}

export const findCompleted = (db: D1Database, uploadId: string, siteId: string, bucket: string, key: string) =>
  db
    .prepare('SELECT * FROM completed_uploads WHERE upload_id = ? AND site_id = ? AND bucket = ? AND key = ?')
    .bind(uploadId, siteId, bucket, key)
    .first<CompletedRow>();

/** Forgets completions recorded before `before`; returns how many. */
export const forgetCompletedBefore = async (db: D1Database, before: number) =>
  (await db.prepare('DELETE FROM completed_uploads WHERE completed_at < ?').bind(before).run()).meta.changes;

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
