/** Sign-in throttling counters (migrations/0010_audit_and_login_throttle.sql); the rules are src/service/login-throttle.ts. */

export type ThrottleScope = 'pair' | 'address' | 'account' | 'trusted';

export interface ThrottleRow {
  scope: ThrottleScope;
  subject: string;
  failures: number;
  last_at: number;
  blocked_until: number;
}

export type ThrottleKey = { scope: ThrottleScope; subject: string };

/** The rows of the given counters, in one read. */
export async function findThrottleRows(db: D1Database, keys: ThrottleKey[]): Promise<ThrottleRow[]> {
  if (keys.length === 0) return [];
  const clauses = keys.map(() => '(scope = ? AND subject = ?)').join(' OR ');
  const args = keys.flatMap((k) => [k.scope, k.subject]);
  return (
    await db
      .prepare(`SELECT * FROM login_throttle WHERE ${clauses}`)
      .bind(...args)
      .all<ThrottleRow>()
  ).results;
}

/**
 * One more failure on a counter, restarting it when its last failure is older than `windowStart`, and
 * returning the new count. Atomic in D1, so concurrent failures are all counted.
 */
export const countFailure = (db: D1Database, key: ThrottleKey, now: number, windowStart: number) =>
  db
    .prepare(
      `INSERT INTO login_throttle (scope, subject, failures, last_at) VALUES (?1, ?2, 1, ?3)
       ON CONFLICT (scope, subject) DO UPDATE SET
         failures = CASE WHEN last_at < ?4 THEN 1 ELSE failures + 1 END,
         blocked_until = CASE WHEN last_at < ?4 THEN 0 ELSE blocked_until END,
         last_at = ?3
       RETURNING failures`,
    )
    .bind(key.scope, key.subject, now, windowStart);

export const setBlockedUntil = (db: D1Database, key: ThrottleKey, until: number) =>
  db
    .prepare('UPDATE login_throttle SET blocked_until = ? WHERE scope = ? AND subject = ?')
    .bind(until, key.scope, key.subject);

export const clearThrottle = (db: D1Database, key: ThrottleKey) =>
  db.prepare('DELETE FROM login_throttle WHERE scope = ? AND subject = ?').bind(key.scope, key.subject);

/** Remembers a successful sign-in from an address (a 'trusted' row; its last_at is the sign-in). */
export const markTrusted = (db: D1Database, subject: string, now: number) =>
  db
    .prepare(
      `INSERT INTO login_throttle (scope, subject, failures, last_at) VALUES ('trusted', ?1, 0, ?2)
       ON CONFLICT (scope, subject) DO UPDATE SET last_at = ?2`,
    )
    .bind(subject, now);

/** Counters idle since `before` (and trusted addresses unused since `trustedBefore`) protect nothing. */
export const deleteIdleThrottleRows = async (db: D1Database, before: number, trustedBefore: number) =>
  (
    await db
      .prepare(
        `DELETE FROM login_throttle WHERE (scope != 'trusted' AND last_at < ? AND blocked_until < ?)
           OR (scope = 'trusted' AND last_at < ?)`,
      )
      .bind(before, before, trustedBefore)
      .run()
  ).meta.changes;
