export interface BucketRow {
  site_id: string;
  name: string;
  project_id: string;
  created_at: number;
}

export const listBuckets = async (db: D1Database, projectId: string, siteIds: string[]) => {
  if (siteIds.length === 0) return [];
  const marks = siteIds.map(() => '?').join(', ');
  return (
    await db
      .prepare(`SELECT * FROM buckets WHERE project_id = ? AND site_id IN (${marks}) ORDER BY name, site_id`)
      .bind(projectId, ...siteIds)
      .all<BucketRow>()
  ).results;
};

export const findBucket = (db: D1Database, siteId: string, name: string) =>
  db.prepare('SELECT * FROM buckets WHERE site_id = ? AND name = ?').bind(siteId, name).first<BucketRow>();

/** False when the name is taken at the site (by any project). */
export const insertBucket = async (db: D1Database, b: BucketRow) =>
  (
    await db
      .prepare('INSERT INTO buckets (site_id, name, project_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .bind(b.site_id, b.name, b.project_id, b.created_at)
      .run()
  ).meta.changes === 1;

/** Deletes the bucket row, and any trailer checksums of its (already deleted) objects still recorded. */
export const deleteBucket = (db: D1Database, siteId: string, name: string) =>
  db.batch([
    db.prepare('DELETE FROM buckets WHERE site_id = ? AND name = ?').bind(siteId, name),
    db.prepare('DELETE FROM object_checksums WHERE site_id = ?1 AND substr(r2_key, 1, length(?2)) = ?2').bind(siteId, `${name}/`),
  ]);

export const listProjectBucketsAtSite = async (db: D1Database, projectId: string, siteId: string) =>
  (
    await db
      .prepare('SELECT * FROM buckets WHERE project_id = ? AND site_id = ? ORDER BY name')
      .bind(projectId, siteId)
      .all<BucketRow>()
  ).results;
