/**
 * What D1 keeps about single R2 object versions, where the object's own metadata cannot hold it: trailer
 * checksums, known only after R2 fixed the metadata (migrations/0003_object_checksums.sql), multipart ETags
 * for listings, which read no metadata (migrations/0005_object_etags.sql), ACLs and tags, which change after the
 * write (migrations/0006_bucket_access.sql, 0007_tagging.sql; tags are read and written in ./tags.ts), and the part
 * layouts of multipart objects, which R2 fixes before the parts are known (migrations/0008_native_multipart.sql).
 * Each row names the R2 object version it describes; a row of another version is stale and never counts.
 */
const TABLES = {
  object_checksums: 'checksum',
  object_etags: 'etag',
  object_acls: 'acl',
  object_tags: 'tags',
  object_parts: 'parts',
} as const;
type Table = keyof typeof TABLES;
export const OBJECT_RECORD_TABLES = Object.keys(TABLES) as Table[];

const record = (db: D1Database, table: Table, siteId: string, r2key: string, version: string, value: string) =>
  db
    .prepare(
      `INSERT INTO ${table} (site_id, r2_key, version, ${TABLES[table]}) VALUES (?, ?, ?, ?)
       ON CONFLICT (site_id, r2_key) DO UPDATE SET version = excluded.version, ${TABLES[table]} = excluded.${TABLES[table]}`,
    )
    .bind(siteId, r2key, version, value)
    .run();

/** `checksum`: "<ALGORITHM>:<base64>", as ros:checksum holds header checksums. */
export const putObjectChecksum = (db: D1Database, siteId: string, r2key: string, version: string, checksum: string) =>
  record(db, 'object_checksums', siteId, r2key, version, checksum);

/** `etag`: the unquoted S3 ETag of a multipart object, "<hex>-<parts>". */
export const putObjectEtag = (db: D1Database, siteId: string, r2key: string, version: string, etag: string) =>
  record(db, 'object_etags', siteId, r2key, version, etag);

/** `parts`: a multipart object's part sizes, run-length encoded (src/storage/metadata.ts encodeParts). */
export const putObjectParts = (db: D1Database, siteId: string, r2key: string, version: string, parts: string) =>
  record(db, 'object_parts', siteId, r2key, version, parts);

/** `acl`: the object's canned ACL, when it is not private. */
export const putObjectAcl = (db: D1Database, siteId: string, r2key: string, version: string, acl: string) =>
  record(db, 'object_acls', siteId, r2key, version, acl);

const find = async (db: D1Database, table: Table, siteId: string, r2key: string, version: string) =>
  (
    await db
      .prepare(`SELECT ${TABLES[table]} AS value FROM ${table} WHERE site_id = ? AND r2_key = ? AND version = ?`)
      .bind(siteId, r2key, version)
      .first<{ value: string }>()
  )?.value ?? null;

/** The checksum recorded for exactly this version of the object, or null. */
export const findObjectChecksum = (db: D1Database, siteId: string, r2key: string, version: string) =>
  find(db, 'object_checksums', siteId, r2key, version);

/** The part layout recorded for exactly this version of the object, or null. */
export const findObjectParts = (db: D1Database, siteId: string, r2key: string, version: string) =>
  find(db, 'object_parts', siteId, r2key, version);

/** The multipart ETag recorded for exactly this version of the object, or null. */
export const findObjectEtag = (db: D1Database, siteId: string, r2key: string, version: string) =>
  find(db, 'object_etags', siteId, r2key, version);

/** The ACL recorded for exactly this version of the object; null means private. */
export const findObjectAcl = (db: D1Database, siteId: string, r2key: string, version: string) =>
  find(db, 'object_acls', siteId, r2key, version);

const between = async (db: D1Database, table: Table, siteId: string, first: string, last: string) =>
  (
    await db
      .prepare(
        `SELECT r2_key, version, ${TABLES[table]} AS value FROM ${table} WHERE site_id = ? AND r2_key >= ? AND r2_key <= ?`,
      )
      .bind(siteId, first, last)
      .all<{ r2_key: string; version: string; value: string }>()
  ).results;

/** The multipart ETags of every key from `first` to `last` (inclusive): one indexed range read per listing page. */
export const objectEtagsBetween = (db: D1Database, siteId: string, first: string, last: string) =>
  between(db, 'object_etags', siteId, first, last);

/** The ACLs of every key from `first` to `last` (inclusive), for a listing page that shows them. */
export const objectAclsBetween = (db: D1Database, siteId: string, first: string, last: string) =>
  between(db, 'object_acls', siteId, first, last);

/** Forgets the records of deleted objects, in every table. Up to 99 keys a statement: D1 caps bound parameters at 100. */
export async function deleteObjectRecords(db: D1Database, siteId: string, r2keys: string[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < r2keys.length; i += 99) {
    const chunk = r2keys.slice(i, i + 99);
    const marks = chunk.map(() => '?').join(', ');
    for (const table of OBJECT_RECORD_TABLES) {
      statements.push(
        db.prepare(`DELETE FROM ${table} WHERE site_id = ? AND r2_key IN (${marks})`).bind(siteId, ...chunk),
      );
    }
  }
  if (statements.length) await db.batch(statements);
}
