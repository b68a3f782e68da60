export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: number;
  created_at: number;
  /** When a system admin disabled the user; null while enabled (migrations/0009_accounts.sql). */
  disabled_at: number | null;
}

export const countUsers = async (db: D1Database) =>
  (await db.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>())!.n;

export const findUserByEmail = (db: D1Database, email: string) =>
  db.prepare('SELECT * FROM users WHERE email = ?').bind(email).first<UserRow>();

export const findUserById = (db: D1Database, id: string) =>
  db.prepare('SELECT * FROM users WHERE id = ?').bind(id).first<UserRow>();

export const listUsers = async (db: D1Database) =>
  (await db.prepare('SELECT * FROM users ORDER BY email').all<UserRow>()).results;

/** Inserts unless the email exists; returns whether a row was written. */
export const insertUser = async (db: D1Database, u: UserRow) =>
  (
    await db
      .prepare(
        `INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (email) DO NOTHING`,
      )
      .bind(u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at)
      .run()
  ).meta.changes === 1;

/** Inserts the first user only while the table is empty (one statement: two racing bootstraps make one user). */
export const insertFirstUser = async (db: D1Database, u: UserRow) =>
  (
    await db
      .prepare(
        `INSERT INTO users (id, email, name, password_hash, is_admin, created_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
      )
      .bind(u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at)
      .run()
  ).meta.changes === 1;

/** By id, or else by email (case-insensitively: the column is NOCASE). */
export const findUserByRef = (db: D1Database, ref: string) =>
  db
    .prepare('SELECT * FROM users WHERE id = ?1 OR email = ?1 ORDER BY id = ?1 DESC LIMIT 1')
    .bind(ref)
    .first<UserRow>();

/** True while another enabled system admin than `userId` exists: the system must keep one. */
const KEEPS_AN_ADMIN = `(is_admin = 0 OR EXISTS (SELECT 1 FROM users o
  WHERE o.is_admin = 1 AND o.disabled_at IS NULL AND o.id <> ?1))`;

/**
 * Disables a user and ends their sessions, unless they are the last enabled system admin: the check and the
 * writes are one transaction (a batch), so two admins disabling each other at once cannot both succeed.
 * Returns whether the user was disabled (false: the last admin). Disabling a disabled user keeps its time.
 */
export async function disableUserKeepingAnAdmin(db: D1Database, userId: string, now: number): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .prepare(`UPDATE users SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1 AND ${KEEPS_AN_ADMIN}`)
      .bind(userId, now),
    db
      .prepare('DELETE FROM sessions WHERE user_id = ?1 AND (SELECT disabled_at FROM users WHERE id = ?1) IS NOT NULL')
      .bind(userId),
  ]);
  return updated.meta.changes === 1;
}

export const enableUser = (db: D1Database, userId: string) =>
  db.prepare('UPDATE users SET disabled_at = NULL WHERE id = ?').bind(userId).run();

/**
 * Deletes a user with their sessions, their own keys and their memberships, unless they are the last enabled
 * system admin (one transaction). Their projects and buckets stay; apps they created stay (created_by becomes
 * NULL). Returns whether the user was deleted.
 */
export async function deleteUserKeepingAnAdmin(db: D1Database, userId: string): Promise<boolean> {
  const guard = `EXISTS (SELECT 1 FROM users WHERE id = ?1 AND ${KEEPS_AN_ADMIN})`;
  const results = await db.batch([
    db.prepare(`DELETE FROM sessions WHERE user_id = ?1 AND ${guard}`).bind(userId),
    db.prepare(`DELETE FROM access_keys WHERE owner_user_id = ?1 AND ${guard}`).bind(userId),
    db.prepare(`DELETE FROM memberships WHERE user_id = ?1 AND ${guard}`).bind(userId),
    db.prepare(`UPDATE apps SET created_by = NULL WHERE created_by = ?1 AND ${guard}`).bind(userId),
    db.prepare(`UPDATE projects SET created_by = NULL WHERE created_by = ?1 AND ${guard}`).bind(userId),
    db.prepare(`DELETE FROM users WHERE id = ?1 AND ${KEEPS_AN_ADMIN}`).bind(userId),
  ]);
  return results[results.length - 1].meta.changes === 1;
}

/**
 * Sets a new password hash and ends the user's sessions but `keepSessionId` (null: all), in one transaction:
 * a stolen session does not outlive the password change.
 */
export async function setPasswordEndingSessions(
  db: D1Database,
  userId: string,
  hash: string,
  keepSessionId: string | null,
): Promise<number> {
  const [, ended] = await db.batch([
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(hash, userId),
    db.prepare('DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id <> ?2)').bind(userId, keepSessionId),
  ]);
  return ended.meta.changes;
}
