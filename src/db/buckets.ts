import { OBJECT_RECORD_TABLES } from './object-records';

/** What a new bucket is made of; its settings start at their defaults (migrations/0006_bucket_access.sql). */
export interface NewBucket {
  site_id: string;
  name: string;
  project_id: string;
  created_at: number;
}

/** A bucket with its settings, and the project's switch against public access (read with it, cached with it). */
export interface BucketRow extends NewBucket {
  /** The canned ACL: 'private', 'public-read', 'public-read-write' or 'authenticated-read'. */
  acl: string;
  /** CORS rules as JSON, or null. */
  cors: string | null;
  /** The PublicAccessBlock flags as JSON, or null. */
  public_access_block: string | null;
  /** The bucket's own tags as JSON [[key, value], ...], or null (migrations/0007_tagging.sql). */
  tags: string | null;
  /** 1 once any object of the bucket was given tags: only then do reads look up an object's tags. */
  tagged_objects: number;
  /** 1 when the project's admins forbid public access to all its buckets. */
  project_block_public_access: number;
}

/** The columns of a BucketRow, for queries that read buckets (alias `b`, its project `p`). */
export const BUCKET_COLUMNS = 'b.*, p.block_public_access AS project_block_public_access';
const FROM_BUCKETS = 'buckets b JOIN projects p ON p.id = b.project_id';

export const listBuckets = async (db: D1Database, projectId: string, siteIds: string[]) => {
  if (siteIds.length === 0) return [];
  const marks = siteIds.map(() => '?').join(', ');
  return (
    await db
      .prepare(
        `SELECT ${BUCKET_COLUMNS} FROM ${FROM_BUCKETS}
         WHERE b.project_id = ? AND b.site_id IN (${marks}) ORDER BY b.name, b.site_id`,
      )
      .bind(projectId, ...siteIds)
      .all<BucketRow>()
  ).results;
};

export const findBucket = (db: D1Database, siteId: string, name: string) =>
  db
    .prepare(`SELECT ${BUCKET_COLUMNS} FROM ${FROM_BUCKETS} WHERE b.site_id = ? AND b.name = ?`)
    .bind(siteId, name)
    .first<BucketRow>();

/**
 * Creates the bucket unless the name is taken at the site (by any project), or was deleted by another project
 * less than `settleMs` ago. 'created', or why not.
 */
export async function insertBucket(
  db: D1Database,
  b: NewBucket,
  settleMs: number,
): Promise<'created' | 'taken' | 'settling'> {
  const inserted = await db
    .prepare(
      `INSERT INTO buckets (site_id, name, project_id, created_at)
       SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
         SELECT 1 FROM bucket_tombstones WHERE site_id = ?1 AND name = ?2 AND project_id <> ?3 AND deleted_at > ?4 - ?5)
       ON CONFLICT DO NOTHING`,
    )
    .bind(b.site_id, b.name, b.project_id, b.created_at, settleMs)
    .run();
  if (inserted.meta.changes === 1) return 'created';
  return (await findBucket(db, b.site_id, b.name)) ? 'taken' : 'settling';
}

/** A bucket's CORS rules as JSON (src/storage/cors.ts), or null for none. */
export const updateBucketCors = (db: D1Database, siteId: string, name: string, cors: string | null) =>
  db.prepare('UPDATE buckets SET cors = ? WHERE site_id = ? AND name = ?').bind(cors, siteId, name).run();

export const deleteTombstonesBefore = (db: D1Database, before: number) =>
  db.prepare('DELETE FROM bucket_tombstones WHERE deleted_at < ?').bind(before).run();

/**
 * Deletes the bucket row, leaving a tombstone (migrations/0004_bucket_tombstones.sql), and the per-version records
 * (trailer checksums, multipart ETags, ACLs, tags) of its (already deleted) objects still recorded.
 */
export const deleteBucket = (db: D1Database, siteId: string, name: string, now: number) =>
  db.batch([
    db
      .prepare(
        `INSERT INTO bucket_tombstones (site_id, name, project_id, deleted_at)
         SELECT site_id, name, project_id, ?3 FROM buckets WHERE site_id = ?1 AND name = ?2
         ON CONFLICT (site_id, name) DO UPDATE SET project_id = excluded.project_id, deleted_at = excluded.deleted_at`,
      )
      .bind(siteId, name, now),
    db.prepare('DELETE FROM buckets WHERE site_id = ? AND name = ?').bind(siteId, name),
    ...OBJECT_RECORD_TABLES.map((table) =>
      db
        .prepare(`DELETE FROM ${table} WHERE site_id = ?1 AND substr(r2_key, 1, length(?2)) = ?2`)
        .bind(siteId, `${name}/`),
    ),
  ]);

export const listProjectBucketsAtSite = async (db: D1Database, projectId: string, siteId: string) =>
  (
    await db
      .prepare(
        'SELECT site_id, name, project_id, created_at FROM buckets WHERE project_id = ? AND site_id = ? ORDER BY name',
      )
      .bind(projectId, siteId)
      .all<NewBucket>()
  ).results;

/** Sets a bucket's canned ACL. */
export const updateBucketAcl = (db: D1Database, siteId: string, name: string, acl: string) =>
  db.prepare('UPDATE buckets SET acl = ? WHERE site_id = ? AND name = ?').bind(acl, siteId, name).run();

/** Sets (JSON) or removes (null) a bucket's PublicAccessBlock flags. */
export const updateBucketPublicAccessBlock = (db: D1Database, siteId: string, name: string, flags: string | null) =>
  db
    .prepare('UPDATE buckets SET public_access_block = ? WHERE site_id = ? AND name = ?')
    .bind(flags, siteId, name)
    .run();
