import type { UserRow } from './users';

export const insertSession = (db: D1Database, tokenHash: string, userId: string, now: number, expiresAt: number) =>
  db
    .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
    .bind(tokenHash, userId, now, expiresAt)
    .run();

/** The user behind a live session, in one read. */
export const findSessionUser = (db: D1Database, tokenHash: string, now: number) =>
  db
    .prepare(
      `SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id
       WHERE sessions.token_hash = ? AND sessions.expires_at > ?`,
    )
    .bind(tokenHash, now)
    .first<UserRow>();

export const deleteSession = (db: D1Database, tokenHash: string) =>
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').bind(tokenHash).run();

export const deleteExpiredSessions = (db: D1Database, now: number) =>
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').bind(now).run();
