import type { UserRow } from './users';

/** A session as people see it: never the token or its hash. */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  user_agent: string;
  address: string;
}

export const insertSession = (db: D1Database, tokenHash: string, s: Omit<SessionRow, 'last_seen_at'>) =>
  db
    .prepare(
      `INSERT INTO sessions (token_hash, id, user_id, created_at, expires_at, last_seen_at, user_agent, address)
       VALUES (?, ?, ?, ?, ?, ?4, ?, ?)`,
    )
    .bind(tokenHash, s.id, s.user_id, s.created_at, s.expires_at, s.user_agent, s.address)
    .run();

/**
 * The enabled user behind a live session, with the session's id and last-seen time, in one read. (A disabled
 * user's sessions are deleted when they are disabled; the condition also holds if one slipped in between.)
 */
export const findSessionUser = (db: D1Database, tokenHash: string, now: number) =>
  db
    .prepare(
      `SELECT users.*, sessions.id AS session_id, sessions.last_seen_at AS session_last_seen_at
       FROM sessions JOIN users ON users.id = sessions.user_id
       WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND users.disabled_at IS NULL`,
    )
    .bind(tokenHash, now)
    .first<UserRow & { session_id: string; session_last_seen_at: number }>();

/** Records that a session was used, at most once a minute whatever the request rate (one write then, none else). */
export const touchSession = (db: D1Database, id: string, now: number) =>
  db.prepare('UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?2 - 60000').bind(id, now).run();

export const listUserSessions = async (db: D1Database, userId: string, now: number) =>
  (
    await db
      .prepare(
        `SELECT id, user_id, created_at, expires_at, last_seen_at, user_agent, address FROM sessions
         WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, created_at DESC`,
      )
      .bind(userId, now)
      .all<SessionRow>()
  ).results;

export const deleteSession = (db: D1Database, tokenHash: string) =>
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').bind(tokenHash).run();

/** One of the user's own sessions, by its public id; returns whether it existed. */
export const deleteUserSession = async (db: D1Database, userId: string, id: string) =>
  (await db.prepare('DELETE FROM sessions WHERE user_id = ? AND id = ?').bind(userId, id).run()).meta.changes === 1;

/** Every session of the user but the one with `keepId` (null: all of them); returns how many ended. */
export const deleteUserSessionsExcept = async (db: D1Database, userId: string, keepId: string | null) =>
  (await db.prepare('DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id <> ?2)').bind(userId, keepId).run())
    .meta.changes;

export const deleteExpiredSessions = (db: D1Database, now: number) =>
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').bind(now).run();
