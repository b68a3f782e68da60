export type Role = 'admin' | 'member';

export interface ProjectRow {
  /** 1 when the project's admins forbid public access to all its buckets (migrations/0006_bucket_access.sql). */
  block_public_access: number;
  id: string;
  name: string;
  created_by: string | null;
  created_at: number;
}

export interface MemberRow {
  project_id: string;
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: number;
}

/** By id, or else by name (names are unique, case-insensitively). */
export const findProject = (db: D1Database, idOrName: string) =>
  db
    .prepare('SELECT * FROM projects WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1')
    .bind(idOrName)
    .first<ProjectRow>();

/** Every project, with the given user's role where they are a member (for system admins). */
export const listAllProjects = async (db: D1Database, userId: string) =>
  (
    await db
      .prepare(
        `SELECT projects.*, memberships.role FROM projects
         LEFT JOIN memberships ON memberships.project_id = projects.id AND memberships.user_id = ?
         ORDER BY projects.name`,
      )
      .bind(userId)
      .all<ProjectRow & { role: Role | null }>()
  ).results;

export const listProjectsOfUser = async (db: D1Database, userId: string) =>
  (
    await db
      .prepare(
        `SELECT projects.*, memberships.role FROM projects
         JOIN memberships ON memberships.project_id = projects.id
         WHERE memberships.user_id = ? ORDER BY projects.name`,
      )
      .bind(userId)
      .all<ProjectRow & { role: Role }>()
  ).results;

/** Creates a project with its creator as admin, atomically; false when the name is taken. */
export async function insertProjectWithAdmin(db: D1Database, p: ProjectRow, adminUserId: string): Promise<boolean> {
  const [inserted] = await db.batch([
    db
      .prepare('INSERT INTO projects (id, name, created_by, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .bind(p.id, p.name, p.created_by, p.created_at),
    db
      .prepare(
        `INSERT INTO memberships (project_id, user_id, role, created_at)
         SELECT ?1, ?2, 'admin', ?3 WHERE EXISTS (SELECT 1 FROM projects WHERE id = ?1)`,
      )
      .bind(p.id, adminUserId, p.created_at),
  ]);
  return inserted.meta.changes === 1;
}

export const findRole = async (db: D1Database, projectId: string, userId: string) =>
  (
    await db
      .prepare('SELECT role FROM memberships WHERE project_id = ? AND user_id = ?')
      .bind(projectId, userId)
      .first<{ role: Role }>()
  )?.role ?? null;

const MEMBER_SELECT = `SELECT memberships.project_id, memberships.user_id, users.email, users.name, memberships.role,
  memberships.created_at FROM memberships JOIN users ON users.id = memberships.user_id`;

export const listMembers = async (db: D1Database, projectId: string) =>
  (
    await db
      .prepare(`${MEMBER_SELECT} WHERE memberships.project_id = ? ORDER BY users.email`)
      .bind(projectId)
      .all<MemberRow>()
  ).results;

export const findMember = (db: D1Database, projectId: string, userId: string) =>
  db
    .prepare(`${MEMBER_SELECT} WHERE memberships.project_id = ? AND memberships.user_id = ?`)
    .bind(projectId, userId)
    .first<MemberRow>();

/** False when the user is a member already. */
export const insertMember = async (db: D1Database, projectId: string, userId: string, role: Role, now: number) =>
  (
    await db
      .prepare(
        'INSERT INTO memberships (project_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .bind(projectId, userId, role, now)
      .run()
  ).meta.changes === 1;

/**
 * Changes a role unless that would leave the project with no admin; the check and the write are one statement,
 * so two admins demoting each other at once cannot both succeed. Returns whether the row changed.
 */
export const updateRoleKeepingAnAdmin = async (db: D1Database, projectId: string, userId: string, role: Role) =>
  (
    await db
      .prepare(
        `UPDATE memberships SET role = ?3 WHERE project_id = ?1 AND user_id = ?2
         AND (?3 = 'admin' OR EXISTS (SELECT 1 FROM memberships
              WHERE project_id = ?1 AND user_id <> ?2 AND role = 'admin'))`,
      )
      .bind(projectId, userId, role)
      .run()
  ).meta.changes === 1;

/** Removes a member and the keys they own in the project, unless they are its last admin. */
export async function deleteMemberKeepingAnAdmin(db: D1Database, projectId: string, userId: string): Promise<boolean> {
  const keepsAdmin = `(role = 'member' OR EXISTS (SELECT 1 FROM memberships
      WHERE project_id = ?1 AND user_id <> ?2 AND role = 'admin'))`;
  const [, removed] = await db.batch([
    db
      .prepare(
        `DELETE FROM access_keys WHERE project_id = ?1 AND owner_user_id = ?2
         AND EXISTS (SELECT 1 FROM memberships WHERE project_id = ?1 AND user_id = ?2 AND ${keepsAdmin})`,
      )
      .bind(projectId, userId),
    db
      .prepare(`DELETE FROM memberships WHERE project_id = ?1 AND user_id = ?2 AND ${keepsAdmin}`)
      .bind(projectId, userId),
  ]);
  return removed.meta.changes === 1;
}

/** The project admins' switch that forbids public access to every bucket of the project. */
export const updateProjectBlockPublicAccess = (db: D1Database, projectId: string, block: boolean) =>
  db
    .prepare('UPDATE projects SET block_public_access = ? WHERE id = ?')
    .bind(block ? 1 : 0, projectId)
    .run();

/** Renames a project unless another one has the name (case-insensitively); returns whether it was renamed. */
export const renameProjectRow = async (db: D1Database, projectId: string, name: string) =>
  (
    await db
      .prepare(
        `UPDATE projects SET name = ?2 WHERE id = ?1
         AND NOT EXISTS (SELECT 1 FROM projects WHERE name = ?2 AND id <> ?1)`,
      )
      .bind(projectId, name)
      .run()
  ).meta.changes === 1;

/**
 * Deletes a project with its keys, apps and memberships, only while it holds no bucket at any site: every
 * statement carries the condition and the batch is one transaction, so a bucket created meanwhile keeps it all.
 * Returns whether the project was deleted.
 */
export async function deleteProjectWithoutBuckets(db: D1Database, projectId: string): Promise<boolean> {
  const empty = 'NOT EXISTS (SELECT 1 FROM buckets WHERE project_id = ?1)';
  const results = await db.batch([
    db.prepare(`DELETE FROM access_keys WHERE project_id = ?1 AND ${empty}`).bind(projectId),
    db.prepare(`DELETE FROM apps WHERE project_id = ?1 AND ${empty}`).bind(projectId),
    db.prepare(`DELETE FROM memberships WHERE project_id = ?1 AND ${empty}`).bind(projectId),
    db.prepare(`DELETE FROM projects WHERE id = ?1 AND ${empty}`).bind(projectId),
  ]);
  return results[results.length - 1].meta.changes === 1;
}
