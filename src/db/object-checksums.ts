/** Trailer checksums of stored objects (see migrations/0003_object_checksums.sql). */

export const putObjectChecksum = (db: D1Database, siteId: string, r2key: string, version: string, checksum: string) =>
  db
    .prepare(
      `INSERT INTO object_checksums (site_id, r2_key, version, checksum) VALUES (?, ?, ?, ?)
       ON CONFLICT (site_id, r2_key) DO UPDATE SET version = excluded.version, checksum = excluded.checksum`,
    )
    .bind(siteId, r2key, version, checksum)
    .run();

/** The checksum recorded for exactly this version of the object, or null. */
export const findObjectChecksum = async (db: D1Database, siteId: string, r2key: string, version: string) =>
  (
    await db
      .prepare('SELECT checksum FROM object_checksums WHERE site_id = ? AND r2_key = ? AND version = ?')
      .bind(siteId, r2key, version)
      .first<{ checksum: string }>()
  )?.checksum ?? null;

/**
 * Forgets what D1 keeps about deleted objects: trailer checksums and multipart ETags (object_etags, see
 * migrations/0005). Up to 99 keys a statement: D1 caps bound parameters at 100.
 */
export async function deleteObjectChecksums(db: D1Database, siteId: string, r2keys: string[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < r2keys.length; i += 99) {
    const chunk = r2keys.slice(i, i + 99);
    const marks = chunk.map(() => '?').join(', ');
    for (const table of ['object_checksums', 'object_etags']) {
      statements.push(db.prepare(`DELETE FROM ${table} WHERE site_id = ? AND r2_key IN (${marks})`).bind(siteId, ...chunk));
    }
  }
  if (statements.length) await db.batch(statements);
}
