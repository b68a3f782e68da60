export interface AppRow {
  id: string;
  project_id: string;
  name: string;
  created_at: number;
  /** The user who created it and answers for it: disabling them stops its keys (null before migration 0009). */
  created_by: string | null;
}

export const listApps = async (db: D1Database, projectId: string) =>
  (await db.prepare('SELECT * FROM apps WHERE project_id = ? ORDER BY name').bind(projectId).all<AppRow>()).results;

/** By id, or else by name, within one project. */
export const findApp = (db: D1Database, projectId: string, idOrName: string) =>
  db
    .prepare('SELECT * FROM apps WHERE project_id = ?1 AND (id = ?2 OR name = ?2) ORDER BY id = ?2 DESC LIMIT 1')
    .bind(projectId, idOrName)
    .first<AppRow>();

/** False when the name is taken in the project. */
export const insertApp = async (db: D1Database, a: AppRow) =>
  (
    await db
      .prepare(
        'INSERT INTO apps (id, project_id, name, created_at, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .bind(a.id, a.project_id, a.name, a.created_at, a.created_by)
      .run()
  ).meta.changes === 1;

/** Deleting an app deletes its keys (ON DELETE CASCADE). */
export const deleteApp = (db: D1Database, projectId: string, appId: string) =>
  db.prepare('DELETE FROM apps WHERE project_id = ? AND id = ?').bind(projectId, appId).run();
